import { UserError } from '@runway/errors';
import { listFolderAt, mapGitFailure, readFileAt, resolveCommit } from '@runway/git';
import { escapeText } from '@runway/log';
import { parseManifest, type Manifest } from '@runway/manifest';
import type { TargetAdapter } from '../targets/target-adapter';
import { parseUmbrella, UMBRELLA_FILE } from '../umbrella/umbrella-document';
import type { ValidationScope } from './validation-scope';

/** A project of the release as committed at its release commit. */
export interface ProjectAtRelease {
  name: string;
  kind: 'runtime' | 'payload';
  /** Its manifest at the release commit; undefined when it does not parse (`problem` says why). */
  manifest?: Manifest;
  problem?: string;
}

/** The commits of a release and the projects it covers. */
export interface ReleaseProjects {
  /** The commit the tag points at (what the record names). */
  commit: string;
  /** The commit the packages were built from (`release_commit` of `umbrella.json`, else `commit`). */
  releaseCommit: string;
  projects: ProjectAtRelease[];
  /** Whether the tag has a published release (false only for an image-only payload tag). */
  published: boolean;
}

/**
 * Reads, without changing anything, which projects `scope` covers: the tag's commit (the tag must
 * exist in the clone), the release (it must be published), and each project's manifest as
 * committed at the release commit. An umbrella covers the packages of its `umbrella.json` and every
 * payload of the release commit (payloads publish images, not always packages).
 * @throws UserError for an unknown tag or a release that is not published.
 */
export async function readReleaseProjects(workspaceRoot: string, target: TargetAdapter, scope: ValidationScope): Promise<ReleaseProjects> {
  const { tag } = scope;
  const commit = await resolveCommit(workspaceRoot, `refs/tags/${tag}`).catch((cause) => {
    throw new UserError(`the tag ${escapeText(tag, 200)} does not exist in ${workspaceRoot}`, {
      hint: 'fetch the tags (git fetch --tags) or check the tag name: validate a tag that was released', cause,
    });
  });
  if (scope.projects.kind === 'one') {
    const project = await projectAt(workspaceRoot, commit, scope.projects.name);
    const { published } = await target.inspect(tag, []);
    // A runtime is released as files; an image-only payload may have no release.
    if (project.kind === 'runtime' && !published) throw notReleased(tag);
    return { commit, releaseCommit: commit, projects: [project], published };
  }
  const bytes = await target.readReleaseFile(tag, UMBRELLA_FILE);
  const umbrella = bytes && parseUmbrella(bytes.toString('utf8'));
  if (!umbrella) throw notReleased(tag, ` (no readable ${UMBRELLA_FILE})`);
  const releaseCommit = umbrella.release_commit;
  const payloads = (await listFolderAt(workspaceRoot, releaseCommit, 'payloads').catch((err) => { throw mapGitFailure(err, workspaceRoot, ['ls-tree', releaseCommit]); }))
    .filter((e) => e.type === 'tree').map((e) => e.name);
  const names = [...new Set([...umbrella.packages.map((p) => p.name), ...payloads])].sort();
  return { commit, releaseCommit, projects: await Promise.all(names.map((name) => projectAt(workspaceRoot, releaseCommit, name))), published: true };
}

function notReleased(tag: string, detail = ''): UserError {
  return new UserError(`${escapeText(tag, 200)} has no published release${detail}`, { hint: `release it first (push the tag; the release workflow publishes it), then validate it` });
}

/** The project `name` at `commit`: `runtimes/<name>/` or `payloads/<name>/`, with its parsed manifest. */
async function projectAt(workspaceRoot: string, commit: string, name: string): Promise<ProjectAtRelease> {
  for (const kind of ['runtime', 'payload'] as const) {
    const file = `${kind}s/${name}/manifest.yaml`;
    const text = await readFileAt(workspaceRoot, commit, file).catch((err) => { throw mapGitFailure(err, workspaceRoot, ['cat-file', file]); });
    if (text === undefined) continue;
    const { manifest, errors } = parseManifest(text, { file, kind, folderName: name });
    return manifest ? { name, kind, manifest } : { name, kind, problem: `${file} at ${commit.slice(0, 12)} is invalid: ${errors.map((e) => e.message).join('; ')}` };
  }
  throw new UserError(`${escapeText(name, 200)} is neither runtimes/${escapeText(name, 200)} nor payloads/${escapeText(name, 200)} at ${commit.slice(0, 12)}`, {
    hint: 'the tag names a project that this commit does not have: check the tag',
  });
}
