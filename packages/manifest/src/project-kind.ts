import type { ProjectKind } from './types';

/** Infers the project kind from its top-level folder (`runtimes/` or `payloads/`). */
export function kindOfProject(projectRoot: string): ProjectKind {
  return projectRoot.split(/[\\/]/).includes('payloads') ? 'payload' : 'runtime';
}
