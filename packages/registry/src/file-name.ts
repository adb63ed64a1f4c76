/** The name a registry is published under: a directory registry's file, a repository's root file, an RC release's asset. */
export const REGISTRY_FILE = 'registry.json';
