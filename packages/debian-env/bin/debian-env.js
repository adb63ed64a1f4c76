#!/usr/bin/env node
// TypeScript run through swc, like the runway CLI: no build step.
require('@runway/ts-register');
require('../src/main.ts').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
