import { describe, expect, it } from 'vitest';
import { inferProject } from './infer-targets';
import { normalizeOptions } from './options';

describe('inferProject', () => {
  it.each(['runtime', 'payload'] as const)('lets the %s release targets validate and pack by themselves (no build dependency)', (kind) => {
    const project = inferProject({ kind, projectName: 'alpha', root: `${kind}s/alpha` }, normalizeOptions(undefined));
    expect(project.targets!.release.dependsOn).toBeUndefined();
    expect(project.targets!['nx-release-publish'].dependsOn).toBeUndefined();
    expect(project.targets!.build.dependsOn).toEqual(['validate', '^build']);
  });
});
