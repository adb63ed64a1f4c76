export { parseRuntimeConfig, mountSourceProblem, mountTargetProblem, MAX_RUNTIME_YML_BYTES, type RuntimeConfig, type RuntimeMount } from './runtime-config';
export { bwrapArgs, planMounts, jobEnvironment, scratchName, type SandboxMount, type SandboxPlan } from './bwrap-args';
export { findBwrap } from './find-bwrap';
export { runInRuntime, parseStatus, type RunInRuntimeOptions, type RunInRuntimeResult } from './run-in-runtime';
