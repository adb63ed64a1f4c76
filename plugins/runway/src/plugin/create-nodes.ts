import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateNodes, ProjectConfiguration } from '@nx/devkit';
import { inferProject } from './infer-targets';
import { normalizeOptions, type RunwayPluginOptions } from './options';
import { summarizeManifests, type ProjectSummary } from './summarize-manifests';

/** One project per `runtimes/<name>/manifest.yaml` and `payloads/<name>/manifest.yaml`. */
export const MANIFEST_GLOB = '{runtimes,payloads}/*/manifest.yaml';

/**
 * Reads the manifests and nothing else: inference runs on every Nx command, so it must stay cheap.
 * The work is one small YAML parse per project, measured by `tools/bench`.
 */
export const createNodes: CreateNodes<RunwayPluginOptions> = [
  MANIFEST_GLOB,
  (manifestPaths, rawOptions, context) => {
    const options = normalizeOptions(rawOptions);
    const texts = manifestPaths.map((p) => [p, readFileSync(join(context.workspaceRoot, p), 'utf8')] as const);
    const summaries = summarizeManifests(texts);
    return summaries.map((summary, i) => [
      manifestPaths[i],
      { projects: { [summary.root]: withRuntimeEdge(inferProject(summary, options), summary, options.distDir) } },
    ] as const);
  },
];

/**
 * Pure: a payload built from a runtime's environment depends on that runtime: an implicit
 * dependency (a change to the runtime makes the payload affected), `publish-runenv-image` waits
 * for the runtime's `build` (which produces the environment the image holds, in
 * `<distDir>/runtimes/<runtime>`), and `validate` hashes the runtime's manifest (validate checks
 * that the runtime exists).
 */
export function withRuntimeEdge(project: ProjectConfiguration, summary: ProjectSummary, distDir: string): ProjectConfiguration {
  const { runtime } = summary;
  if (!runtime) return project;
  const targets = project.targets ?? {};
  const image = targets['publish-runenv-image'];
  const validate = targets.validate;
  return {
    ...project,
    implicitDependencies: [...new Set([...(project.implicitDependencies ?? []), runtime])],
    targets: {
      ...targets,
      ...(validate ? { validate: { ...validate, inputs: [...(validate.inputs ?? []), `{workspaceRoot}/runtimes/${runtime}/manifest.yaml`] } } : {}),
      ...(image ? { 'publish-runenv-image': {
        ...image,
        dependsOn: [...(image.dependsOn ?? []), { projects: [runtime], target: 'build' }],
        options: { ...image.options, environmentDir: `${distDir}/runtimes/${runtime}` },
      } } : {}),
    },
  };
}
