# shellcheck shell=bash
# Builds the isolated/ tree of openjdk-17 on Ubuntu: the Ubuntu archive's openjdk-17-jre-headless,
# installed on the host with apt and copied (links into /etc/java-17-openjdk resolved) with the
# shared libraries the JVM loads, plus a small shell. The debian-* platforms do not run this: they
# ship a prebuilt environment built from debian.lock.json.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PROGRAMS=(bash ls cat env)

install_runtime() {
  runtime_init "$1"
  local java_home="/usr/lib/jvm/java-17-openjdk-$RUNTIME_ARCH"
  apt_install openjdk-17-jre-headless
  step "copying $java_home"
  [[ -x "$java_home/bin/java" ]] || die "$java_home/bin/java is missing after installing openjdk-17-jre-headless"
  mkdir -p "$ISOLATED/usr/lib/jvm"
  # -L: conf/ and lib/security/ are links into /etc; the runtime needs the files, not the links.
  cp -rL "$java_home" "$ISOLATED/usr/lib/jvm/"
  step "copying the libraries the JVM loads"
  local elf
  while IFS= read -r -d '' elf; do
    copy_libs_of "$elf"
  done < <(find "$ISOLATED$java_home" -type f \( -name '*.so' -o -perm -u+x \) -print0)
  copy_host_programs "${PROGRAMS[@]}"
  link_into_bin /usr/bin/bash bash sh
  write_base_etc
  write_runtime_yml PATH="$java_home/bin:/usr/bin:/bin" JAVA_HOME="$java_home" HOME=/tmp LANG=C.UTF-8
}
