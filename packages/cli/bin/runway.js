#!/usr/bin/env node
// The CLI is TypeScript run through swc; no build step, so a fresh clone works after `npm ci`.
require('@runway/ts-register');
require('../src/main.ts').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
