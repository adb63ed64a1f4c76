# shellcheck shell=bash
# Builds the isolated/ tree of bash-5.2 from the host's own programs, so setup needs no network.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The shell and the coreutils every job of this runtime can use.
PROGRAMS=(bash ls cat env)

install_runtime() {
  runtime_init "$1"
  step "checking the host bash is 5.2"
  local host_version
  host_version="$(bash -c 'echo "${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}"')"
  [[ "$host_version" == 5.2 ]] || die "the host bash is $host_version; bash-5.2 copies the host's bash, so it needs bash 5.2"
  copy_host_programs "${PROGRAMS[@]}"
  link_into_bin /usr/bin/bash bash sh
  write_base_etc
  write_runtime_yml PATH=/usr/bin:/bin HOME=/tmp
}
