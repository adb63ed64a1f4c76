import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import type { GitHubApi } from '@runway/publisher-github';
import { nextIndexMetadata } from '@runway/trust';
import { SIGNING_KEY_ENV } from '@runway/signing';
import type { ReleaseTarget } from '../types';
import { createTargetAdapter } from './create-target';

export interface ResignOptions {
  workspaceRoot: string;
  target: ReleaseTarget;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  dryRun: boolean;
  /** Injected GitHub adapter (tests); built from `target` otherwise. */
  github?: GitHubApi;
  now?: () => Date;
}

/** What `resignRegistry` did, or would do in a dry run. */
export interface ResignOutcome {
  status: 'resigned' | 'planned';
  location: string;
  /** The serial before, undefined for an index never signed. */
  fromSerial?: number;
  serial: number;
  expires: string;
  keyId: string;
}

/**
 * Signs the published registry again without changing an entry: serial + 1 and a fresh expiry,
 * through the target's one registry writer (`editRegistry`: the directory under its lock, GitHub
 * in one commit of both files). A project that publishes less often than the index lifetime (90
 * days) runs this on a schedule, or its clients refuse the index as expired. Also signs an index
 * never signed before. A dry run prints the serial, expiry and key fingerprint it would write.
 * @throws UserError without a key, or when there is no registry yet.
 */
export async function resignRegistry(options: ResignOptions): Promise<ResignOutcome> {
  const now = options.now ?? (() => new Date());
  const target = createTargetAdapter({ ...options, projectRoot: '.' }, now);
  const { key } = await target.signing();
  if (!key) {
    throw new UserError(`cannot re-sign the registry: ${SIGNING_KEY_ENV} is not set`, {
      hint: `set ${SIGNING_KEY_ENV} to the release private key or the path of its file (in GitHub Actions, from the repository secret)`,
    });
  }
  const { registry, location, exists } = await target.readRegistry();
  if (!exists) throw new UserError(`there is no registry to re-sign at ${location}`, { hint: 'release something first; every release signs the registry' });
  const fromSerial = typeof registry.serial === 'number' ? registry.serial : undefined;
  const next = nextIndexMetadata(registry, now());
  const plan = { location, ...(fromSerial === undefined ? {} : { fromSerial }), serial: next.serial, expires: next.expires, keyId: key.publicKey.keyId };
  const what = `${location}: serial ${fromSerial ?? '(unsigned)'} → ${next.serial}, expires ${next.expires}, key ${key.publicKey.keyId}`;
  if (options.dryRun) {
    options.logger.info(`would re-sign ${what} (entries unchanged)`);
    return { status: 'planned', ...plan };
  }
  await target.editRegistry({ describe: 're-sign the index', apply: (current) => ({ registry: current, outcome: 'resigned' as const }) }, options.logger);
  // Another writer may have signed in between: report what is published now.
  const after = await target.readRegistry();
  const serial = typeof after.registry.serial === 'number' ? after.registry.serial : next.serial;
  const expires = typeof after.registry.expires === 'string' ? after.registry.expires : next.expires;
  options.logger.info(`re-signed ${location}: serial ${serial}, expires ${expires}`);
  return { status: 'resigned', ...plan, serial, expires };
}
