#!/usr/bin/env node
// Starts the GitHub-compatible test server for manual use and benchmarks:
//   node tools/github-server/bin/serve.js [--port 8787] [--owner o] [--repo r] [--token t]
// TypeScript is run through swc, like the runway CLI; no build step.
require('@runway/ts-register');
const { parseArgs } = require('node:util');
const { startGitHubServer } = require('../src/index.ts');

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, owner: { type: 'string' }, repo: { type: 'string' }, token: { type: 'string' }, 'default-branch': { type: 'string' } },
});
startGitHubServer({ port: Number(values.port), owner: values.owner, repo: values.repo, token: values.token, defaultBranch: values['default-branch'] }).then((server) => {
  process.stdout.write(`GITHUB_SERVER_URL=${server.url}\nGITHUB_API_URL=${server.apiUrl}\nGITHUB_REPOSITORY=${server.state.owner}/${server.state.repo}\n`);
  const stop = () => server.close().then(() => {
    if (server.violations.length) process.stderr.write(`OpenAPI violations:\n${server.violations.join('\n')}\n`);
    process.exitCode = server.violations.length ? 1 : 0;
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
