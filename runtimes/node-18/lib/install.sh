# shellcheck shell=bash
# Builds the isolated/ tree of node-18 on Ubuntu: the Ubuntu archive's nodejs (18.x since 24.04
# noble), installed on the host with apt and copied with the shared libraries it loads, plus a
# small shell. The debian-* platforms do not run this: they ship a prebuilt environment built
# from debian.lock.json.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NODE_MAJOR=18
PROGRAMS=(bash ls cat env)

install_runtime() {
  runtime_init "$1"
  apt_install nodejs
  # /usr/bin/node is apt's; another node earlier on PATH (nvm, NodeSource) must not be copied instead.
  step "checking the host's nodejs is $NODE_MAJOR.x"
  local version
  version="$(/usr/bin/node --version)"
  [[ "$version" == "v$NODE_MAJOR."* ]] \
    || die "the host's apt nodejs is $version; node-18 copies the Ubuntu archive's nodejs, which is $NODE_MAJOR.x on Ubuntu 24.04 (noble)"
  step "copying /usr/bin/node and the libraries it loads"
  copy_host_file /usr/bin/node
  copy_libs_of /usr/bin/node
  copy_host_programs "${PROGRAMS[@]}"
  link_into_bin /usr/bin/bash bash sh
  write_base_etc
  write_runtime_yml PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8
}
