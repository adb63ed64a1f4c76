import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '@runway/file-hash';
import { nxWorkspace, type FixtureFile } from '@runway/test-utils';

const runtime = (name: string, extra = ''): Record<string, FixtureFile> => ({
  [`runtimes/${name}/manifest.yaml`]: `name: ${name}\nversion: 1.0.0\ndescription: ${name} runtime\nplatforms: [ubuntu-amd64]\n${extra}`,
  [`runtimes/${name}/setup.sh`]: { content: `#!/bin/sh\necho installing ${name}\n`, mode: 0o755 },
  [`runtimes/${name}/setup-ubuntu-amd64.sh`]: { content: '#!/bin/sh\n', mode: 0o755 },
});

/** 18 independent runtimes, plus `base` and `child` where child `extends: base`. */
const names = [...Array.from({ length: 18 }, (_, i) => `rt-${String(i + 1).padStart(2, '0')}`), 'base', 'child'];
const files = Object.assign({}, ...names.map((n) => runtime(n, n === 'child' ? 'extends: base\n' : '')));

const tarball = (name: string) => `dist/runtimes/${name}/${name}-1.0.0.tar.gz`;
/** Tasks that actually ran (not from cache): nx prints `> nx run <project>:<target>` for each. */
const ranBuilds = (output: string) => [...output.matchAll(/^> nx run ([\w.-]+):build\b(?!.*\[(?:local cache|existing outputs))/gm)].map((m) => m[1]).sort();

describe('build in a real nx workspace of 20 runtimes', () => {
  it('lists every runtime, caches every build, and rebuilds only a changed runtime and its dependent', async () => {
    const ws = await nxWorkspace(files);

    const shown = await ws.nx(['show', 'projects', '--json']);
    expect(shown.exitCode, shown.all).toBe(0);
    expect(JSON.parse(String(shown.stdout)).sort()).toEqual([...names].sort());

    const first = await ws.nx(['run-many', '-t', 'build']);
    expect(first.exitCode, first.all).toBe(0);
    expect(ranBuilds(String(first.all))).toEqual([...names].sort());
    const sums = new Map<string, string>();
    for (const n of names) sums.set(n, await readFile(join(ws.dir, `${tarball(n)}.sha256`), 'utf8'));

    // Second run: everything from the cache, with the files left as they are.
    const second = await ws.nx(['run-many', '-t', 'build']);
    expect(second.exitCode, second.all).toBe(0);
    expect(ranBuilds(String(second.all))).toEqual([]);
    expect(String(second.all)).toMatch(/Nx read the output from the cache instead of running the command for 40 out of 40 tasks/);

    // Without dist: the cache restores the same bytes.
    await rm(join(ws.dir, 'dist'), { recursive: true });
    const restored = await ws.nx(['run-many', '-t', 'build']);
    expect(restored.exitCode, restored.all).toBe(0);
    expect(ranBuilds(String(restored.all))).toEqual([]);
    for (const n of names) {
      const line = await readFile(join(ws.dir, `${tarball(n)}.sha256`), 'utf8');
      expect(line, n).toBe(sums.get(n));
      const { sha256 } = await sha256File(join(ws.dir, tarball(n)));
      expect(`${sha256}  ${n}-1.0.0.tar.gz\n`, n).toBe(line);
    }

    // Change one runtime that another extends: exactly those two are affected and rebuilt.
    await writeFile(join(ws.dir, 'runtimes/base/setup.sh'), '#!/bin/sh\necho installing base v2\n', { mode: 0o755 });
    await ws.git(['commit', '-qam', 'base: new setup']);
    const affected = await ws.nx(['show', 'projects', '--affected', '--base=HEAD~1', '--head=HEAD', '--json']);
    expect(affected.exitCode, affected.all).toBe(0);
    expect(JSON.parse(String(affected.stdout)).sort()).toEqual(['base', 'child']);

    const rebuilt = await ws.nx(['affected', '-t', 'build', '--base=HEAD~1', '--head=HEAD']);
    expect(rebuilt.exitCode, rebuilt.all).toBe(0);
    expect(ranBuilds(String(rebuilt.all))).toEqual(['base', 'child']);
    expect(await readFile(join(ws.dir, `${tarball('base')}.sha256`), 'utf8')).not.toBe(sums.get('base'));
    // child's files did not change, so neither do its bytes: the rebuild is forced by the graph edge.
    expect(await readFile(join(ws.dir, `${tarball('child')}.sha256`), 'utf8')).toBe(sums.get('child'));
    // 40 validate+build tasks on two shared cores, each a node process loading swc: minutes, not seconds.
  }, 400_000);
});
