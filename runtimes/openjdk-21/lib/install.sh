# shellcheck shell=bash
# Builds the isolated/ tree of openjdk-21: the Eclipse Temurin JDK tarball for the machine's
# architecture (sha256-pinned) unpacked into /usr/lib/jvm/openjdk-21, plus the host libraries
# the JDK loads and a small shell.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

JDK_RELEASE="jdk-21.0.10+7"
JDK_BASE_URL="https://github.com/adoptium/temurin21-binaries/releases/download/jdk-21.0.10%2B7"
JDK_HOME=/usr/lib/jvm/openjdk-21
PROGRAMS=(bash ls cat env cp mv rm mkdir grep sed)

install_runtime() {
  runtime_init "$1"
  local file sha256
  case "$RUNTIME_ARCH" in
    amd64)
      file=OpenJDK21U-jdk_x64_linux_hotspot_21.0.10_7.tar.gz
      sha256=ea3b9bd464d6dd253e9a7accf59f7ccd2a36e4aa69640b7251e3370caef896a4 ;;
    arm64)
      file=OpenJDK21U-jdk_aarch64_linux_hotspot_21.0.10_7.tar.gz
      sha256=357fee29fb0d5c079f6730db98b28942df13a6eed426f6c61cd4ad703ab27b9a ;;
  esac
  apt_install ca-certificates curl
  fetch_verified "$JDK_BASE_URL/$file" "$sha256" "$WORK_DIR/jdk.tar.gz"
  install_jdk "$WORK_DIR/jdk.tar.gz"
  copy_host_programs "${PROGRAMS[@]}"
  link_into_bin /usr/bin/bash bash sh
  write_base_etc
  write_runtime_yml PATH="$JDK_HOME/bin:/usr/bin:/bin" JAVA_HOME="$JDK_HOME" HOME=/tmp LANG=C.UTF-8
}

# Unpacks the JDK tarball $1 into $JDK_HOME and copies the host libraries its binaries load.
install_jdk() {
  step "unpacking $JDK_RELEASE into isolated$JDK_HOME"
  mkdir -p "$ISOLATED$JDK_HOME"
  tar -xzf "$1" -C "$ISOLATED$JDK_HOME" --strip-components=1 --no-same-owner
  step "copying the libraries the JDK loads"
  local elf
  while IFS= read -r -d '' elf; do
    copy_libs_of "$elf"
  done < <(find "$ISOLATED$JDK_HOME/bin" "$ISOLATED$JDK_HOME/lib" -type f \( -name '*.so' -o -perm -u+x \) -print0)
  step "checking java runs"
  "$ISOLATED$JDK_HOME/bin/java" -version
}
