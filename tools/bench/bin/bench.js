#!/usr/bin/env node
// TypeScript run through swc, like the runway CLI: no build step.
process.env.SWC_NODE_PROJECT ??= require('node:path').join(__dirname, '..', '..', '..', 'tsconfig.json');
require('@swc-node/register');
require('../src/main.ts').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
