#!/usr/bin/env bash
# The README's test command: installs what the tests need, starts a Docker engine and two OCI
# registries as children of this script, runs the whole suite, and stops them again (also on failure).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# shellcheck source=tools/ci/host-tools.sh
source tools/ci/host-tools.sh
# Host tools the specs run for real.
install_host_tools shellcheck:shellcheck gpg:gnupg ssh-keygen:openssh-client "${RELEASE_HOST_TOOLS[@]}"
npm ci --no-audit --no-fund

# shellcheck source=tools/ci/docker-services.sh
source tools/ci/docker-services.sh
state=$(mktemp -d /tmp/runway-ci.XXXXXX)
cleanup() { stop_docker_services || true; rm -rf "$state"; }
trap cleanup EXIT
start_docker_services "$state"

export CI="${CI:-true}" NX_DAEMON=false
report="$state/vitest.json"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" || status=$?
# One plain closing line that any CI reader understands, after the name (which carries the
# reason) of every skipped test: nothing may skip silently.
node -e '
  const r = require(process.argv[1]);
  const skipped = r.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status === "pending" || a.status === "skipped" || a.status === "todo"));
  for (const a of skipped) console.log(`skipped: ${a.fullName}`);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
exit "$status"
