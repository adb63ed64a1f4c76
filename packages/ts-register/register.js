// Compiles each required .ts file with @swc/core, so the CLI and tools run from source after
// `npm ci`. Not @swc-node/register: it also loads the TypeScript compiler (~55 MB resident, ~0.3 s)
// only to read tsconfig.json, and our settings are fixed: CommonJS output, types stripped.
// Compiled output is cached on disk by content hash, so a warm start never loads swc (~35 MB).
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const options = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
};
const cacheDir = process.env.RUNWAY_TS_CACHE_DIR || join(__dirname, '..', '..', 'node_modules', '.cache', 'runway-ts');
let swc;

function compile(source, filename) {
  const swcVersion = require('@swc/core/package.json').version;
  const key = createHash('sha256').update(`${swcVersion}\0${JSON.stringify(options)}\0${filename}\0${source}`).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    swc ??= require('@swc/core');
    const { code } = swc.transformSync(source, { ...options, filename });
    try {
      mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, cached);
    } catch {
      // A read-only install still works, just without the cache.
    }
    return code;
  }
}

if (!require.extensions['.ts']) {
  process.setSourceMapsEnabled(true);
  require.extensions['.ts'] = (module, filename) => {
    module._compile(compile(readFileSync(filename, 'utf8'), filename), filename);
  };
}
