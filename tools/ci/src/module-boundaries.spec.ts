import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@runway/test-utils';
import { checkImports, checkWorkspaceBoundaries, importSpecifiers, listWorkspacePackages } from './module-boundaries';

const core = { name: '@runway/manifest', dir: '/r/packages/manifest', tags: ['type:core'] };
const io = { name: '@runway/pack', dir: '/r/packages/pack', tags: ['type:io'] };
const testUtils = { name: '@runway/test-utils', dir: '/r/packages/test-utils', tags: ['type:test'] };
const all = [core, io, testUtils];

describe('module boundaries', () => {
  it('finds static, type-only and dynamic imports', () => {
    expect(importSpecifiers("import a from 'a';\nimport type { B } from '@runway/b';\nexport { c } from './c';\nconst d = await import('d');\n").sort())
      .toEqual(['./c', '@runway/b', 'a', 'd']);
  });

  it('refuses relative imports into another package and core depending on io', () => {
    expect(checkImports('/r/packages/manifest/src/x.ts', ['../../pack/src/index'], core, all)[0].rule).toContain('relative import leaves its package');
    expect(checkImports('/r/packages/manifest/src/x.ts', ['@runway/pack'], core, all)[0].rule).toContain('may not depend on @runway/pack');
    expect(checkImports('/r/packages/pack/src/x.ts', ['@runway/manifest', './y', 'node:fs'], io, all)).toEqual([]);
    expect(checkImports('/r/packages/manifest/src/x.spec.ts', ['@runway/test-utils'], core, all)).toEqual([]);
    expect(checkImports('/r/packages/manifest/src/x.ts', ['@runway/test-utils'], core, all)).toHaveLength(1);
  });

  it('refuses I/O modules in core code, with or without the node: prefix, but not in its specs or in io packages', () => {
    for (const m of ['node:fs', 'fs/promises', 'node:child_process', 'node:http', 'node:os']) {
      expect(checkImports('/r/packages/manifest/src/x.ts', [m], core, all)[0]?.rule).toContain('may not import');
    }
    expect(checkImports('/r/packages/manifest/src/x.ts', ['node:path', 'node:crypto', 'yaml'], core, all)).toEqual([]);
    expect(checkImports('/r/packages/manifest/src/x.spec.ts', ['node:fs'], core, all)).toEqual([]);
    expect(checkImports('/r/packages/pack/src/x.ts', ['node:fs'], io, all)).toEqual([]);
  });

  it('hold across the whole workspace', async () => {
    expect((await listWorkspacePackages(REPO_ROOT)).every((p) => p.tags.length > 0)).toBe(true);
    expect(await checkWorkspaceBoundaries(REPO_ROOT)).toEqual([]);
  });
});
