import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The modules that decide what an environment is: they take data and return data, so they are
 * specified with tables. This keeps I/O out of them (the package as a whole is type:io).
 */
const PURE = [
  'apt-sources.ts', 'artifact-names.ts', 'check-lock.ts', 'chroot-link.ts', 'deb-cache-dir.ts', 'environment-definition.ts', 'java-keystore.ts',
  'lock-format.ts', 'mmdebstrap-args.ts', 'platforms.ts', 'runtime-yml.ts', 'sbom-components.ts', 'types.ts',
];
const IO_MODULES = /from '(node:)?(fs|fs\/promises|child_process|net|http|https|os)'|require\('(node:)?(fs|child_process)'\)|process\.env|Date\.now\(/;

describe('pure modules of debian-env', () => {
  it.each(PURE)('%s does no I/O and reads no clock or environment', (file) => {
    const source = readFileSync(join(__dirname, file), 'utf8');
    expect(source).not.toMatch(IO_MODULES);
    // …and imports only other pure modules of this package.
    for (const [, local] of source.matchAll(/from '\.\/([^']+)'/g)) expect(PURE, `${file} imports ./${local}`).toContain(`${local}.ts`);
  });
});
