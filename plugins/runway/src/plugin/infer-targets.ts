import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { ProjectKind } from '@runway/manifest';
import type { NormalizedRunwayPluginOptions } from './options';
import { DEBIAN_BUILDER_ENV, ENCODERS_ENV, gitEntriesEnv } from './task-env';

/** What inference reads from one manifest: only what shapes the project graph. */
export interface ManifestSummary {
  kind: ProjectKind;
  /** The Nx project name: the manifest `name`, or the folder name when that is unusable. */
  projectName: string;
  /** Project folder relative to the workspace root, e.g. `runtimes/python-3.11`. */
  root: string;
  /** Project this one builds on (manifest `extends`). */
  extends?: string;
  /** The manifest has a `debian:` section: `build` also builds prebuilt environments. */
  prebuilt?: boolean;
}

/** Source files of the tooling, without their specs. */
const code = (...globs: string[]) => globs.flatMap((g) => [`{workspaceRoot}/${g}.ts`, `!{workspaceRoot}/${g}.spec.ts`]);

/**
 * Tooling whose code decides what validate reports: the manifest rules, how the project's files
 * are read (git's entries), the executor.
 */
const VALIDATE_TOOLING = code(
  'packages/manifest/src/**/*',
  'packages/project-files/src/**/*',
  'packages/git/src/{tracked-files,run-git}',
  'plugins/runway/src/executors/{executor-io,validate/*}',
);

/**
 * Tooling whose code decides a build's bytes: the packer, how it lists and reads git's entries,
 * the link rule it refuses by, the manifest (name and version name the file), the executor.
 */
const PACK_TOOLING = code(
  'packages/pack/src/**/*',
  'packages/git/src/{tracked-files,run-git}',
  'packages/safe-archive/src/link-rule',
  'packages/manifest/src/**/*',
  'packages/project-files/src/**/*',
  'plugins/runway/src/executors/{executor-io,build/*}',
);

/**
 * Tooling whose code decides a prebuilt environment's bytes and its SBOM: the Debian builder
 * (lock, mmdebstrap arguments, link rewriting, runtime.yml), the sandbox the smoke test runs in,
 * the SBOM writer. The lock and manifest are project files; the build host's part is
 * {@link DEBIAN_BUILDER_ENV}.
 */
const ENVIRONMENT_TOOLING = [
  ...code('packages/debian-env/src/**/*', 'packages/sandbox/src/**/*', 'packages/sbom/src/**/*'),
  '!{workspaceRoot}/packages/debian-env/src/testing/**/*',
  { env: DEBIAN_BUILDER_ENV },
];

/**
 * Pure: the Nx project configuration for one runtime or payload. Every project gets the same
 * targets; `extends` becomes an implicit dependency so `nx affected` includes dependents.
 */
export function inferProject(summary: ManifestSummary, options: NormalizedRunwayPluginOptions): ProjectConfiguration {
  const { kind, projectName, root } = summary;
  const outDir = `{workspaceRoot}/${options.distDir}/${kind === 'runtime' ? 'runtimes' : 'payloads'}/${projectName}`;
  // The contents on disk (what the working-tree build packs) come from the fileset; what git tracks
  // and with which modes, which Nx does not hash, from the variable `preTasksExecution` sets.
  const projectInputs = ['{projectRoot}/**/*', { env: gitEntriesEnv(root) }];
  const group = kind === 'runtime' ? 'Runtime' : 'Payload';

  const targets: Record<string, TargetConfiguration> = {
    validate: {
      executor: '@runway/nx-plugin:validate',
      cache: true,
      inputs: [...projectInputs, ...VALIDATE_TOOLING],
      outputs: [],
      metadata: meta(`Check ${projectName}'s manifest and files against the naming, version and platform rules`),
    },
    build: {
      executor: '@runway/nx-plugin:build',
      cache: true,
      dependsOn: ['validate', '^build'],
      inputs: [...projectInputs, ...PACK_TOOLING, ...(summary.prebuilt ? ENVIRONMENT_TOOLING : []), { env: 'SOURCE_DATE_EPOCH' }, { env: ENCODERS_ENV }, '^default'],
      outputs: [outDir],
      options: { outputPath: outDir.replace('{workspaceRoot}/', '') },
      metadata: meta(summary.prebuilt
        ? `Pack ${projectName} into a reproducible tarball and its .sha256, and build its prebuilt environments (+ lock, SBOM) for the platforms this machine can build`
        : `Pack ${projectName} into a reproducible tarball and its .sha256`),
    },
    // No dependsOn: the release validates and packs the sources itself (into a scratch dir), so a
    // stale dist/ tarball can never be published and a bulk release starts no extra tasks.
    release: {
      executor: '@runway/nx-plugin:release',
      cache: false,
      metadata: meta(`Release ${projectName}: publish the tarball, update registry.json and verify the download`),
    },
    'nx-release-publish': {
      executor: '@runway/nx-plugin:nx-release-publish',
      cache: false,
      metadata: meta(`Publishing step of "nx release publish" for ${projectName}`),
    },
    'publish-runenv-image': {
      executor: '@runway/nx-plugin:publish-runenv-image',
      cache: false,
      dependsOn: ['validate'],
      metadata: meta(`Build and push the runenv-${projectName} image with its channel tags`, ['runway', 'docker']),
    },
  };

  return {
    root,
    name: projectName,
    projectType: 'library',
    tags: [`kind:${kind}`],
    ...(summary.extends ? { implicitDependencies: [summary.extends] } : {}),
    targets,
    metadata: { targetGroups: { [group]: Object.keys(targets) }, technologies: ['runway'] } as ProjectConfiguration['metadata'],
  };
}

function meta(description: string, technologies: string[] = ['runway']): TargetConfiguration['metadata'] {
  return { description, technologies };
}
