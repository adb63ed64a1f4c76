import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapFsError, writeTextAtomically } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import { hasReleaseFolder, releasePath } from '@runway/publisher-directory';
import { createGitHubApi, type GitHubApi } from '@runway/publisher-github';
import { serializeVerificationRecord, VERIFICATION_FILE, type VerificationRecord } from '@runway/release-policy';
import type { ReleaseTarget } from '../types';

/**
 * Puts the record on the validated release as the asset `VERIFICATION.json`, replacing an older
 * record: directory target, one atomic write into `releases/download/<tag>/`; GitHub, the old asset
 * is deleted and the new one uploaded (the release is published already, so its other assets and
 * `SHA256SUMS`, which never lists the record, stay as they are).
 * @throws UserError when the release is not there (any more).
 */
export async function writeVerificationRecord(
  target: ReleaseTarget, record: VerificationRecord, logger: Logger, github?: GitHubApi,
): Promise<string> {
  const text = serializeVerificationRecord(record);
  const gone = () => new UserError(`the release ${record.tag} is gone: the verification record cannot be written`, { hint: 'release it again, then validate it' });
  if (target.kind === 'directory') {
    if (!(await hasReleaseFolder(target.dir, record.tag))) throw gone();
    const path = join(target.dir, releasePath(record.tag, VERIFICATION_FILE));
    await writeTextAtomically(path, text).catch((err) => { throw mapFsError(err, `write the verification record ${path}`); });
    logger.info(`wrote ${path}`);
    return path;
  }
  const api = github ?? createGitHubApi({ token: target.token, repository: target.repository, apiUrl: target.apiUrl, logger });
  const release = await api.getPublishedRelease(record.tag);
  if (!release) throw gone();
  const work = await mkdtemp(join(tmpdir(), 'runway-verification-'));
  try {
    const file = join(work, VERIFICATION_FILE);
    await writeTextAtomically(file, text);
    for (const old of release.assets.filter((a) => a.name === VERIFICATION_FILE)) await api.deleteAsset(old.id);
    await api.uploadAsset(release, { name: VERIFICATION_FILE, path: file, contentType: 'application/json' });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const where = `${target.repository} release ${record.tag}: ${VERIFICATION_FILE}`;
  logger.info(`uploaded ${where}`);
  return where;
}
