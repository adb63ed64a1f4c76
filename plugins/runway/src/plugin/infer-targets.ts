import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { ProjectKind } from '@runway/manifest';
import type { NormalizedRunwayPluginOptions } from './options';

/** What inference reads from one manifest: only what shapes the project graph. */
export interface ManifestSummary {
  kind: ProjectKind;
  /** The Nx project name: the manifest `name`, or the folder name when that is unusable. */
  projectName: string;
  /** Project folder relative to the workspace root, e.g. `runtimes/python-3.11`. */
  root: string;
  /** Project this one builds on (manifest `extends`). */
  extends?: string;
}

/** Tooling whose code shapes a build's bytes: a change here must invalidate cached tarballs. */
const PACK_TOOLING = [
  '{workspaceRoot}/packages/pack/src/**/*.ts',
  '!{workspaceRoot}/packages/pack/src/**/*.spec.ts',
  '{workspaceRoot}/plugins/runway/src/executors/build/*.ts',
  '!{workspaceRoot}/plugins/runway/src/executors/build/*.spec.ts',
];
const VALIDATE_TOOLING = [
  '{workspaceRoot}/packages/manifest/src/**/*.ts',
  '!{workspaceRoot}/packages/manifest/src/**/*.spec.ts',
  '{workspaceRoot}/plugins/runway/src/executors/validate/*.ts',
  '!{workspaceRoot}/plugins/runway/src/executors/validate/*.spec.ts',
];

/**
 * Pure: the Nx project configuration for one runtime or payload. Every project gets the same
 * targets; `extends` becomes an implicit dependency so `nx affected` includes dependents.
 */
export function inferProject(summary: ManifestSummary, options: NormalizedRunwayPluginOptions): ProjectConfiguration {
  const { kind, projectName, root } = summary;
  const outDir = `{workspaceRoot}/${options.distDir}/${kind === 'runtime' ? 'runtimes' : 'payloads'}/${projectName}`;
  const projectFiles = ['{projectRoot}/**/*'];
  const group = kind === 'runtime' ? 'Runtime' : 'Payload';

  const targets: Record<string, TargetConfiguration> = {
    validate: {
      executor: '@runway/nx-plugin:validate',
      cache: true,
      inputs: [...projectFiles, ...VALIDATE_TOOLING],
      outputs: [],
      metadata: meta(`Check ${projectName}'s manifest and files against the naming, version and platform rules`),
    },
    build: {
      executor: '@runway/nx-plugin:build',
      cache: true,
      dependsOn: ['validate', '^build'],
      inputs: [...projectFiles, ...PACK_TOOLING, { env: 'SOURCE_DATE_EPOCH' }, '^default'],
      outputs: [outDir],
      options: { outputPath: outDir.replace('{workspaceRoot}/', '') },
      metadata: meta(`Pack ${projectName} into a reproducible tarball and its .sha256`),
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
