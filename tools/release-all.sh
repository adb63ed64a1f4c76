#!/usr/bin/env bash
# The README's first command: installs what a release needs (npm packages; mmdebstrap and
# bubblewrap for the prebuilt Debian environments), then releases every runtime and payload into
# the embedded directory registry dist/registry/. Idempotent: a second run changes nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=tools/ci/host-tools.sh
source tools/ci/host-tools.sh
install_host_tools "${RELEASE_HOST_TOOLS[@]}"
npm ci --no-audit --no-fund
npx nx run-many -t release --outputStyle=static
