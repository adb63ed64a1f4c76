#!/usr/bin/env bash
# Sets up node-18 on ubuntu (arm64). Shared steps live in lib/install.sh.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/install.sh"
install_runtime arm64
