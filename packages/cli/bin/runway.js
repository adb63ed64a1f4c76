#!/usr/bin/env node
// The CLI is TypeScript run through swc; no build step, so a fresh clone works after `npm ci`.
process.env.SWC_NODE_PROJECT ??= require('node:path').join(__dirname, '..', '..', '..', 'tsconfig.json');
require('@swc-node/register');
require('../src/main.ts').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
