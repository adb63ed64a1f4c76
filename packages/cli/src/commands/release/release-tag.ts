import { access } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { InternalError, UserError } from '@runway/errors';
import {
  compareCommits, createAnnotatedTag, currentBranch, deleteLocalTag, fetchBranchTip, headSha, localTagExists,
  pushTag, remoteDefaultBranch, remoteTagExists, repositoryRoot, trackedFiles, worktreeChanges,
} from '@runway/git';
import { formatIssues } from '@runway/manifest';
import { umbrellaTrigger } from '@runway/release-policy';
import { createTrustedSignedTag, readTrustedSigners } from '@runway/tag-signatures';
import { validateProject } from '@runway/project-files';
import type { Logger } from '@runway/log';
import { mapGitError } from '../../git-failure';
import { tagProblems, type TagFacts } from './tag-preconditions';

export interface ReleaseTagOptions {
  /** A runtime or payload folder name (tag `<name>@<version>`), or an umbrella tag `vX.Y.Z[-pre]`. */
  name: string;
  remote: string;
  yes: boolean;
  dryRun: boolean;
  /** Create a signed tag (`git tag -s`) and check it against the trusted signers before pushing. */
  sign?: boolean;
  /** `ssh` or `gpg`; default: git's `gpg.format`. */
  signingFormat?: 'ssh' | 'gpg';
  /** Signing key (`user.signingkey`): an SSH key file or a GPG key id; default: git's config. */
  signingKey?: string;
}

/** What the command needs from its surroundings; `confirm` is only called on an interactive terminal. */
export interface ReleaseTagIo {
  cwd: string;
  logger: Logger;
  interactive: boolean;
  confirm(question: string): Promise<boolean>;
}

/** Where a project lives: `runtimes/<name>` first, then `payloads/<name>`. */
async function findProjectRoot(root: string, name: string): Promise<string> {
  for (const folder of ['runtimes', 'payloads']) {
    const projectRoot = `${folder}/${name}`;
    if (await access(join(root, projectRoot, 'manifest.yaml')).then(() => true, () => false)) return projectRoot;
  }
  throw new UserError(`no runtime or payload named "${name}": neither runtimes/${name}/manifest.yaml nor payloads/${name}/manifest.yaml exists`, {
    hint: 'pass the folder name of the runtime, e.g. runway release tag python-3.11',
    exitCode: 2,
  });
}

/** What is tagged: one project (`<name>@<version>`, validated) or the whole repository (`vX.Y.Z`). */
interface TagSubject {
  projectRoot: string;
  manifestPath: string;
  validation: { errors: Parameters<typeof formatIssues>[0]; warnings: Parameters<typeof formatIssues>[0] };
  tag?: string;
  title: string;
}

async function tagSubject(root: string, name: string): Promise<TagSubject> {
  if (/^v\d/.test(name)) {
    const trigger = umbrellaTrigger(undefined, name);
    if (trigger.kind === 'none') throw new InternalError('an explicit umbrella tag is always a trigger');
    // The umbrella sets every manifest itself: "bump" means a new v tag.
    return { projectRoot: '.', manifestPath: 'the umbrella version: tag a new vX.Y.Z instead', validation: { errors: [], warnings: [] }, tag: trigger.tag, title: trigger.tag };
  }
  const projectRoot = await findProjectRoot(root, name);
  const validation = await validateProject(root, projectRoot);
  const manifest = validation.manifest;
  return {
    projectRoot, manifestPath: `${projectRoot}/manifest.yaml`, validation,
    tag: manifest ? `${manifest.name}@${manifest.version}` : undefined,
    title: manifest ? `${manifest.name} ${manifest.version}` : name,
  };
}

/**
 * `runway release tag <name>`: the maintainer's way to start a release. Reads everything first
 * (validation, working tree, branch against a fresh fetch of the remote, existing tags), reports
 * every problem at once, shows the tag and the files, asks, then creates the annotated tag and
 * pushes it. If the push fails the local tag is removed again, so a re-run starts clean.
 */
export async function releaseTag(options: ReleaseTagOptions, io: ReleaseTagIo): Promise<void> {
  const { remote, name } = options;
  const root = await repositoryRoot(io.cwd).catch((cause) => {
    const mapped = mapGitError(cause, 'find the repository', io.cwd);
    // git itself missing says so; any other failure here means the folder is no clone.
    if (mapped instanceof UserError && !/could not be started/.test(mapped.message)) {
      throw new UserError(`${io.cwd} is not inside a git repository`, { hint: 'run this from a clone of the runtimes repository', cause });
    }
    throw mapped;
  });
  /** Every git call of this command: a failure becomes a UserError saying what it was for. */
  const git = <T>(action: string, call: Promise<T>): Promise<T> => call.catch((err: unknown) => {
    throw mapGitError(err, action, root);
  });
  const subject = await tagSubject(root, name);
  const { projectRoot, manifestPath, validation, tag } = subject;
  const defaultBranch = (await remoteDefaultBranch(root, remote).catch((cause) => {
    throw mapGitError(cause, `reach the remote "${remote}"`, root, `check "git remote -v" and your access, or pass --remote <name>`);
  })) ?? 'main';
  const remoteTip = await git(`fetch ${remote}/${defaultBranch}`, fetchBranchTip(root, remote, defaultBranch));
  const facts: TagFacts = {
    tag,
    manifestPath,
    validationErrors: validation.errors.length ? [formatIssues(validation.errors)] : [],
    changes: await git('read the working tree status', worktreeChanges(root)),
    branch: await git('read the current branch', currentBranch(root)),
    defaultBranch,
    remote,
    sync: remoteTip ? await git(`compare HEAD with ${remote}/${defaultBranch}`, compareCommits(root, 'HEAD', remoteTip)) : { state: 'missing' },
    localTag: tag ? await git(`look up the local tag ${tag}`, localTagExists(root, tag)) : false,
    remoteTag: tag ? await git(`look up the tag ${tag} on ${remote}`, remoteTagExists(root, remote, tag)) : false,
  };
  if (validation.warnings.length) io.logger.warn(formatIssues(validation.warnings));

  const problems = tagProblems(facts);
  if (problems.length > 0 || !tag) {
    const list = problems.map((p, i) => `  ${i + 1}. ${p.message}\n     fix: ${p.fix}`).join('\n');
    throw new UserError(`cannot tag ${name}: ${problems.length} problem(s)\n${list}`, { hint: 'fix the problems above and run this again' });
  }

  const sha = await git('read HEAD', headSha(root));
  const message = `Release ${subject.title}`;
  const files = await git(`list the files of ${projectRoot}`, trackedFiles(root, projectRoot));
  const kind = options.sign ? 'signed' : 'annotated';
  io.logger.info([
    `Release ${subject.title}`,
    `  tag:    ${tag} (${kind}: "${message}")`,
    `  commit: ${sha.slice(0, 12)} on ${defaultBranch}, up to date with ${remote}/${defaultBranch}`,
    `  files (${projectRoot === '.' ? 'the whole repository' : `${relative(root, join(root, projectRoot))}/`}):`,
    ...(projectRoot === '.' ? [`    ${files.length} tracked file(s)`] : files.map((f) => `    ${f.slice(projectRoot.length + 1)}`)),
  ].join('\n'));

  if (options.dryRun) {
    io.logger.info(`dry run: would run "git tag --${options.sign ? 'sign' : 'annotate'} ${tag}" and "git push ${remote} refs/tags/${tag}"; nothing changed`);
    return;
  }
  if (!options.yes) {
    if (!io.interactive) {
      throw new UserError(`not tagging ${tag}: confirmation needed and this is not an interactive terminal`, {
        hint: 'review the plan above and re-run with --yes, or use --dry-run to only see it',
      });
    }
    if (!(await io.confirm(`Create and push ${tag}?`))) {
      io.logger.info('cancelled: nothing changed');
      return;
    }
  }

  if (options.sign) {
    // Checked against the signers of the remote's default branch, as the release will check it.
    const signers = { ...await readTrustedSigners(root, remoteTip!), source: `.github/ at ${remote}/${defaultBranch}` };
    await createTrustedSignedTag(root, tag, message, signers, { rev: sha, format: options.signingFormat, key: options.signingKey });
  } else {
    await git(`create the tag ${tag}`, createAnnotatedTag(root, tag, message, sha));
  }
  try {
    await pushTag(root, remote, tag);
  } catch (cause) {
    await git(`remove the local tag ${tag} again after its push failed`, deleteLocalTag(root, tag));
    const pushFailure = mapGitError(cause, `push ${tag} to ${remote}`, root);
    throw new UserError(`${pushFailure instanceof Error ? pushFailure.message : String(pushFailure)}; the local tag was removed again`, {
      hint: 'check your push access and network, then run this again', cause,
    });
  }
  io.logger.info(`tagged ${sha.slice(0, 12)} as ${tag} and pushed it to ${remote}: the release workflow takes it from here`);
}
