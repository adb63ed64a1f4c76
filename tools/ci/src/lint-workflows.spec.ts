import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '@runway/test-utils';
import { lintWorkflows, readWorkflows } from './lint-workflows';

describe('GitHub workflows', () => {
  it('pass actionlint', async () => {
    const files = await readWorkflows(REPO_ROOT);
    expect(files.map((f) => f.path)).toEqual([
      '.github/workflows/ci.yml', '.github/workflows/edge.yml', '.github/workflows/release-runtime.yml', '.github/workflows/release.yml',
    ]);
    expect(await lintWorkflows(files)).toEqual([]);
  });

  it('actionlint catches a broken workflow (the lint is not a no-op)', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.nope }\n';
    expect((await lintWorkflows([{ path: 'broken.yml', text: broken }])).length).toBeGreaterThan(0);
  });

  it('release on the documented triggers, serialised where they push registry.json', async () => {
    const byName = Object.fromEntries((await readWorkflows(REPO_ROOT)).map((f) => [f.path.split('/').pop(), parse(f.text)]));
    expect(byName['release-runtime.yml'].on.push.tags).toEqual(['*@*']);
    expect(byName['release-runtime.yml'].concurrency).toMatchObject({ group: 'registry-json', 'cancel-in-progress': false });
    expect(byName['release.yml'].on.push).toEqual({ tags: ['v*'], branches: ['releases/*/*'] });
    expect(byName['release.yml'].concurrency.group).toBe('registry-json');
    expect(byName['edge.yml'].on.push.branches).toEqual(['main']);
    const ciSteps = JSON.stringify(byName['ci.yml'].jobs);
    expect(ciSteps).toContain('nrwl/nx-set-shas');
    expect(ciSteps).toContain('--affected');
    expect(byName['ci.yml'].jobs.affected.strategy.matrix.shard).toContain('needs.plan.outputs.shards');
  });
});
