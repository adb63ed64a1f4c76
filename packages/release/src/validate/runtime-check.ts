import { basename } from 'node:path';
import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import type { Manifest } from '@runway/manifest';
import { execInstalledRuntime, installFromRegistry, type InstallFromRegistryRequest, type LoadedRegistry } from '@runway/runtime-client';
import { outputTail, type ProjectCheck } from './validation-report';

export interface RuntimeCheckRequest {
  registry: LoadedRegistry;
  name: string;
  version: string;
  /** The runtime's manifest at the release commit: its `smoke:` is run. */
  manifest: Manifest;
  /** The empty install root. */
  dir: string;
  /** How a source package's setup runs (its environment without credentials, where its output goes). */
  setup: InstallFromRegistryRequest['setup'];
  /** Path of bubblewrap (default `bwrap` on PATH). */
  bwrap?: string;
  /** The smoke command is killed after this long (a hung runtime fails, it does not hang the release). */
  smokeTimeoutMs: number;
  logger: Logger;
}

/**
 * Installs `name@version` from the published registry as a user on this host would
 * (`installFromRegistry`: the host platform's prebuilt environment when the entry has one, else the
 * source package with its setup; verified against the pinned keys when there are any), then runs
 * the manifest's `smoke:` inside it the way `runway runtime exec` does. A refused install or a
 * failing smoke command is a failed check, not an error; transient failures (network) are thrown
 * so the command can be retried.
 */
export async function checkRuntime(req: RuntimeCheckRequest): Promise<ProjectCheck> {
  const base: ProjectCheck = { name: req.name, kind: 'runtime', passed: false };
  let installed: Awaited<ReturnType<typeof installFromRegistry>>;
  try {
    installed = await installFromRegistry({
      registries: [req.registry], name: req.name, spec: req.version, dir: req.dir, setup: req.setup, logger: req.logger,
    });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { ...base, reason: `install failed: ${err.message}` };
  }
  const { artifact } = installed;
  const what = artifact.kind === 'prebuilt' ? `prebuilt environment for ${artifact.platform}` : `source package for ${artifact.platform}, set up`;
  const file = decodeURIComponent(basename(new URL(artifact.download_url, 'file:///').pathname));
  const check: ProjectCheck = {
    ...base,
    installed: `${req.name}@${installed.version} (${what}${installed.verified ? `; signed by ${installed.verified.key_id}` : ''})`,
    assets: { [file]: installed.receipt.checksum.replace(/^sha256:/, '') },
  };
  const smoke = req.manifest.smoke;
  if (!smoke) return { ...check, passed: true };
  try {
    const run = await execInstalledRuntime({
      dir: req.dir, name: req.name, version: installed.version, command: smoke,
      run: { output: 'capture', stdin: 'ignore', bwrap: req.bwrap, timeoutMs: req.smokeTimeoutMs },
    });
    const tail = outputTail(`${run.stdout}\n${run.stderr}`);
    return run.exitCode === 0
      ? { ...check, smoke, outputTail: tail, passed: true }
      : { ...check, smoke, outputTail: tail, reason: `the smoke command exited with ${run.exitCode}` };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { ...check, smoke, reason: `the smoke command could not run: ${err.message}` };
  }
}
