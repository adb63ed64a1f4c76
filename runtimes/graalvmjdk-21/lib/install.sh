# shellcheck shell=bash
# Builds the isolated/ tree of graalvmjdk-21: the GraalVM Community JDK tarball for the machine's
# architecture (sha256-pinned) unpacked into /usr/lib/jvm/graalvm-21, with native-image, plus
# the host libraries it loads, and a small shell.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

GRAALVM_RELEASE="jdk-21.0.2"
GRAALVM_BASE_URL="https://github.com/graalvm/graalvm-ce-builds/releases/download/$GRAALVM_RELEASE"
JDK_HOME=/usr/lib/jvm/graalvm-21
PROGRAMS=(bash ls cat env cp mv rm mkdir grep sed)

install_runtime() {
  runtime_init "$1"
  local file sha256
  case "$RUNTIME_ARCH" in
    amd64)
      file=graalvm-community-jdk-21.0.2_linux-x64_bin.tar.gz
      sha256=b048069aaa3a99b84f5b957b162cc181a32a4330cbc35402766363c5be76ae48 ;;
    arm64)
      file=graalvm-community-jdk-21.0.2_linux-aarch64_bin.tar.gz
      sha256=a34be691ce68f0acf4655c7c6c63a9a49ed276a11859d7224fd94fc2f657cd7a ;;
  esac
  apt_install ca-certificates curl
  fetch_verified "$GRAALVM_BASE_URL/$file" "$sha256" "$WORK_DIR/graalvm.tar.gz"

  step "unpacking GraalVM $GRAALVM_RELEASE into isolated$JDK_HOME"
  mkdir -p "$ISOLATED$JDK_HOME"
  tar -xzf "$WORK_DIR/graalvm.tar.gz" -C "$ISOLATED$JDK_HOME" --strip-components=1 --no-same-owner
  step "copying the libraries GraalVM loads"
  local elf
  while IFS= read -r -d '' elf; do
    copy_libs_of "$elf"
  done < <(find "$ISOLATED$JDK_HOME/bin" "$ISOLATED$JDK_HOME/lib" -type f \( -name '*.so' -o -perm -u+x \) -print0)
  step "checking java and native-image run"
  "$ISOLATED$JDK_HOME/bin/java" -version
  "$ISOLATED$JDK_HOME/bin/native-image" --version

  copy_host_programs "${PROGRAMS[@]}"
  link_into_bin /usr/bin/bash bash sh
  write_base_etc
  write_runtime_yml PATH="$JDK_HOME/bin:/usr/bin:/bin" JAVA_HOME="$JDK_HOME" GRAALVM_HOME="$JDK_HOME" HOME=/tmp LANG=C.UTF-8
}
