#!/usr/bin/env node
// Starts the GitHub-compatible test server for manual use and benchmarks:
//   node tools/github-server/bin/serve.js [--port 8787] [--owner o] [--repo r] [--token t] [--bare-repo path | --default-branch b]
// TypeScript is run through swc, like the runway CLI; no build step.
require('@runway/ts-register');
const { parseArgs } = require('node:util');
const { startGitHubServer } = require('../src/index.ts');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' }, owner: { type: 'string' }, repo: { type: 'string' }, token: { type: 'string' },
    'bare-repo': { type: 'string' }, 'default-branch': { type: 'string' },
  },
});
startGitHubServer({ port: Number(values.port), owner: values.owner, repo: values.repo, token: values.token, bareRepo: values['bare-repo'], defaultBranch: values['default-branch'] }).then((server) => {
  process.stdout.write(`GITHUB_SERVER_URL=${server.url}\nGITHUB_API_URL=${server.apiUrl}\nGITHUB_REPOSITORY=${server.repository}\n# git: ${server.git.path}\n`);
  const stop = () => server.close().then(() => {
    if (server.violations.length) process.stderr.write(`violations:\n${server.violations.join('\n')}\n`);
    process.exitCode = server.violations.length ? 1 : 0;
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}, (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
});
