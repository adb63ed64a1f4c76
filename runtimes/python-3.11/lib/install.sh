# shellcheck shell=bash
# Builds the isolated/ tree of python-3.11: CPython compiled from the python.org source tarball
# (sha256-pinned, the same file on every architecture) into /usr/local, plus the shared libraries
# its extension modules load and a small shell.
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PYTHON_VERSION=3.11.10
PYTHON_URL="https://www.python.org/ftp/python/$PYTHON_VERSION/Python-$PYTHON_VERSION.tar.xz"
PYTHON_SHA256=07a4356e912900e61a15cb0949a06c4a05012e213ecd6b4e84d0f67aabbee372

# Headers and tools the build needs on the host; the runtime keeps only the libraries.
BUILD_PACKAGES=(build-essential ca-certificates curl xz-utils pkg-config libssl-dev zlib1g-dev
  libbz2-dev liblzma-dev libffi-dev libsqlite3-dev libreadline-dev libncursesw5-dev uuid-dev libgdbm-dev)

PROGRAMS=(bash ls cat env cp mv rm mkdir grep sed)

install_runtime() {
  runtime_init "$1"
  apt_install "${BUILD_PACKAGES[@]}"
  fetch_verified "$PYTHON_URL" "$PYTHON_SHA256" "$WORK_DIR/python.tar.xz"

  step "unpacking CPython $PYTHON_VERSION"
  tar -xJf "$WORK_DIR/python.tar.xz" -C "$WORK_DIR"
  local src="$WORK_DIR/Python-$PYTHON_VERSION"

  step "configuring CPython $PYTHON_VERSION"
  (cd "$src" && ./configure --prefix=/usr/local --with-ensurepip=install --enable-loadable-sqlite-extensions)
  step "compiling CPython $PYTHON_VERSION"
  make -C "$src" -j "$(nproc)"
  step "installing CPython into isolated/usr/local"
  make -C "$src" install DESTDIR="$ISOLATED"

  step "copying the libraries CPython and its extension modules load"
  copy_libs_of "$ISOLATED/usr/local/bin/python3.11"
  local module
  for module in "$ISOLATED"/usr/local/lib/python3.11/lib-dynload/*.so; do
    copy_libs_of "$module"
  done

  step "checking the interpreter"
  "$ISOLATED/usr/local/bin/python3.11" -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib; print("python ok")'

  copy_host_programs "${PROGRAMS[@]}"
  link_into_bin /usr/bin/bash bash sh
  write_base_etc
  write_runtime_yml PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp PYTHONDONTWRITEBYTECODE=1 LANG=C.UTF-8
}
