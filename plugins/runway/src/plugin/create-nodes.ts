import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateNodes } from '@nx/devkit';
import { inferProject } from './infer-targets';
import { normalizeOptions, type RunwayPluginOptions } from './options';
import { summarizeManifests } from './summarize-manifests';

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
      { projects: { [summary.root]: inferProject(summary, options) } },
    ] as const);
  },
];
