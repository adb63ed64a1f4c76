import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packTarball } from '@runway/pack';
import { REPO_ROOT } from '@runway/test-utils';

/**
 * A real prebuilt environment package, `<name>/runtime.yml` + `<name>/isolated/`, packed as a
 * release packs one: bash-5.2's setup copies the host's bash, ls, cat and env with their shared
 * libraries into a tree (offline, about a second), which is then packed with `packTarball`. Made
 * on the test machine. `extra` files (executable) are added at the top, e.g. a script that must
 * never run.
 */
export async function prebuiltPackage(name: string, version: string, extra: Record<string, string> = {}): Promise<Buffer> {
  const work = await mkdtemp(join(tmpdir(), 'runway-prebuilt-'));
  try {
    const tree = join(work, name);
    const setup = await execa(join(REPO_ROOT, 'runtimes/bash-5.2/setup.sh'), [], {
      reject: false, all: true, env: { RUNTIME_DIR: tree, RUNTIME_NAME: name, RUNTIME_VERSION: version },
    });
    if (setup.exitCode !== 0) throw new Error(`bash-5.2 setup failed:\n${setup.all}`);
    for (const [file, content] of Object.entries(extra)) await writeFile(join(tree, file), content, { mode: 0o755 });
    const outFile = join(work, 'package.tar.gz');
    await packTarball({ sourceDir: tree, prefix: name, outFile });
    return await readFile(outFile);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
