#!/usr/bin/env bash
# Runs the setup script for this machine: setup-<os>-<arch>.sh next to this file.
# The os comes from /etc/os-release (ID, then each ID_LIKE entry), the arch from `uname -m`.
# RUNTIME_PLATFORM=<os>-<arch> skips detection. The environment (RUNTIME_DIR, RUNTIME_NAME,
# RUNTIME_VERSION) passes through unchanged.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
os_release="${OS_RELEASE_FILE:-/etc/os-release}"

case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) arch="$(uname -m)" ;;
esac

candidates=()
if [[ -n "${RUNTIME_PLATFORM:-}" ]]; then
  candidates=("$RUNTIME_PLATFORM")
elif [[ -r "$os_release" ]]; then
  # Read the two fields in a subshell so os-release variables do not leak into the setup.
  # shellcheck source=/dev/null
  read -r -a ids <<<"$(. "$os_release" && printf '%s %s' "${ID:-}" "${ID_LIKE:-}")"
  for id in "${ids[@]}"; do candidates+=("$id-$arch"); done
else
  echo "setup.sh: cannot detect the operating system: $os_release is missing; set RUNTIME_PLATFORM=<os>-<arch>" >&2
  exit 2
fi

for platform in "${candidates[@]}"; do
  if [[ -f "$here/setup-$platform.sh" ]]; then
    echo "setup.sh: running setup-$platform.sh"
    exec bash "$here/setup-$platform.sh" "$@"
  fi
done

available=()
for script in "$here"/setup-*-*.sh; do
  [[ -f "$script" ]] || continue
  script="${script##*/setup-}"
  available+=("${script%.sh}")
done
echo "setup.sh: unsupported platform: tried ${candidates[*]:-nothing}; this runtime supports: ${available[*]:-none}" >&2
echo "setup.sh: set RUNTIME_PLATFORM to one of those to force a platform" >&2
exit 2
