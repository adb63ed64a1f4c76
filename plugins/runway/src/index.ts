export { createNodes, MANIFEST_GLOB } from './plugin/create-nodes';
export { inferProject, type ManifestSummary } from './plugin/infer-targets';
export { summarizeManifests } from './plugin/summarize-manifests';
export type { RunwayPluginOptions, NormalizedRunwayPluginOptions } from './plugin/options';
export { postTasksExecution } from './plugin/report-warnings';
export { preTasksExecution } from './plugin/task-env';
