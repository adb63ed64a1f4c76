/**
 * Test helper run as its own process: `node -r @runway/ts-register release-child.ts <root> <projectRoot> [pauseAfterStep]`.
 * Releases one project with the target from the environment; with a step name it prints
 * `PAUSED <step>` after that step and hangs, so a spec can SIGKILL it at that exact boundary.
 */
import { formatError } from '@runway/errors';
import { streamLogger } from '@runway/log';
import { releaseProject } from '../release-project';
import { resolveReleaseTarget } from '../resolve-release-target';

const [root, projectRoot, pauseAfter] = process.argv.slice(2);
releaseProject({
  workspaceRoot: root, projectRoot, target: resolveReleaseTarget(process.env, root), dryRun: false,
  env: process.env, logger: streamLogger(process.stderr, process.stderr), renderer: 'silent',
}, {
  afterStep: async (step) => {
    if (step.name !== pauseAfter) return;
    process.stdout.write(`PAUSED ${step.name}\n`);
    await new Promise(() => undefined);
  },
}).then((outcome) => {
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}, (err) => {
  process.stderr.write(`${formatError(err)}\n`);
  process.exitCode = 1;
});
