# shellcheck shell=bash
# Helpers for this runtime's setup-<platform>.sh scripts; sourced, never run.
# Every runtime carries the same copy (its folder is what gets packed, so it must be
# self-contained); the runtime generator's template is the source and a spec checks the copies.
#
# Contract with the installer (`runway runtime install --setup`):
#   RUNTIME_DIR      the runtime's own install folder (required); receives isolated/ and runtime.yml
#   RUNTIME_NAME     defaults to "name" in manifest.yaml
#   RUNTIME_VERSION  defaults to "version" in manifest.yaml
# runtime.yml is removed first and written last, so its presence means a complete install.

RUNWAY_STEP="starting"
RUNTIME_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Names the step a failure happened in; the ERR trap reports it.
step() {
  RUNWAY_STEP="$*"
  printf '==> %s\n' "$*"
}

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

on_error() {
  local status=$?
  printf 'error: setup of %s failed while %s (exit %s at %s:%s)\n' \
    "${RUNTIME_NAME:-runtime}" "$RUNWAY_STEP" "$status" "${BASH_SOURCE[1]:-?}" "${BASH_LINENO[0]:-?}" >&2
  exit "$status"
}

# Prints a scalar field of manifest.yaml (top-level `key: value`, quotes removed).
manifest_field() {
  sed -n -E "s/^$1:[[:space:]]*['\"]?([^'\"]*)['\"]?[[:space:]]*$/\1/p" "$RUNTIME_HOME/manifest.yaml" | head -n 1
}

# Prints the items of a list field of manifest.yaml written as `- item` lines.
manifest_list() {
  awk -v key="$1:" '
    $1 == key { inside = 1; next }
    inside && /^[[:space:]]*-[[:space:]]/ { sub(/^[[:space:]]*-[[:space:]]*/, ""); gsub(/["\047]/, ""); print; next }
    inside && /^[^[:space:]#]/ { inside = 0 }
  ' "$RUNTIME_HOME/manifest.yaml"
}

# Starts a setup: strict mode, error trap, resolved paths, a fresh isolated/ tree.
# $1 is the architecture the calling script was written for (amd64 or arm64).
runtime_init() {
  set -Eeuo pipefail
  trap on_error ERR
  RUNTIME_ARCH="$1"
  case "$RUNTIME_ARCH" in
    amd64) GNU_ARCH=x86_64 ;;
    arm64) GNU_ARCH=aarch64 ;;
    *) die "unknown architecture \"$RUNTIME_ARCH\" (expected amd64 or arm64)" ;;
  esac
  [[ "$(uname -m)" == "$GNU_ARCH" ]] \
    || die "this script installs for $GNU_ARCH but the machine is $(uname -m); run setup.sh to pick the right script"
  [[ -n "${RUNTIME_DIR:-}" ]] \
    || die "RUNTIME_DIR is not set: point it at the folder to install into, e.g. RUNTIME_DIR=/opt/runway/runtimes/$(manifest_field name)-$(manifest_field version)"
  RUNTIME_NAME="${RUNTIME_NAME:-$(manifest_field name)}"
  RUNTIME_VERSION="${RUNTIME_VERSION:-$(manifest_field version)}"

  step "preparing $RUNTIME_DIR"
  mkdir -p "$RUNTIME_DIR"
  RUNTIME_DIR="$(cd "$RUNTIME_DIR" && pwd)"
  ISOLATED="$RUNTIME_DIR/isolated"
  rm -f "$RUNTIME_DIR/runtime.yml"
  rm -rf "$ISOLATED"
  mkdir -p "$ISOLATED/etc" "$ISOLATED/tmp"
  chmod 1777 "$ISOLATED/tmp"
  WORK_DIR="$(mktemp -d)"
  trap 'rm -rf "$WORK_DIR"' EXIT
}

# Installs host packages the setup itself needs (Debian and Ubuntu hosts).
apt_install() {
  step "installing host packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# Downloads $1 to $3 and checks it against the pinned sha256 $2 before anything uses it.
fetch_verified() {
  local url="$1" sha256="$2" dest="$3"
  step "downloading $url"
  curl -fsSL --retry 3 -o "$dest" "$url"
  step "verifying sha256 of $(basename "$dest")"
  echo "$sha256  $dest" | sha256sum --check --quiet - \
    || die "checksum mismatch for $url: expected $sha256, got $(sha256sum "$dest" | cut -d' ' -f1)"
}

# Copies the host file $1 to the same path under isolated/ (following links, keeping the mode).
copy_host_file() {
  local dest="$ISOLATED$1"
  [[ -e "$dest" ]] && return 0
  mkdir -p "$(dirname "$dest")"
  cp -L --preserve=mode "$1" "$dest"
}

# Copies the shared libraries and the loader that the ELF file $1 needs into isolated/.
copy_libs_of() {
  local out lib
  if ! out="$(ldd "$1" 2>&1)"; then
    [[ "$out" == *"not a dynamic executable"* ]] && return 0
    die "ldd failed on $1: $out"
  fi
  local missing="" name
  while read -r name; do
    # Libraries the job host supplies at run time (e.g. the GPU driver's) may be absent here.
    [[ " ${HOST_PROVIDED_LIBS[*]:-} " == *" $name "* ]] || missing+=" $name"
  done < <(awk '$2 == "=>" && $3 == "not" { print $1 }' <<<"$out")
  [[ -z "$missing" ]] || die "$1 needs libraries this host lacks:$missing"
  while read -r lib; do
    # Libraries already inside isolated/ (bundled by wheels or JDKs) stay where they are.
    [[ "$lib" == "$ISOLATED"/* ]] || copy_host_file "$lib"
  done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out")
}

# Copies host programs (found on PATH) with their libraries into isolated/.
copy_host_programs() {
  local name path
  step "copying host programs: $*"
  for name in "$@"; do
    path="$(command -v "$name")" || die "\"$name\" is not installed on this host"
    copy_host_file "$path"
    copy_libs_of "$path"
  done
}

# Links /bin/<name> to the program's copy under /usr/bin, for scripts that use #!/bin/sh or #!/bin/bash.
link_into_bin() {
  local target="$1" name
  shift
  mkdir -p "$ISOLATED/bin"
  for name in "$@"; do
    [[ -e "$ISOLATED/bin/$name" ]] || ln -s "../${target#/}" "$ISOLATED/bin/$name"
  done
}

# Writes /etc/passwd and /etc/group with root and nobody, so programs can resolve user ids.
write_base_etc() {
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$ISOLATED/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$ISOLATED/etc/group"
}

# Copies the isolated/ tree of the runtime this one extends ($1), installed side by side as
# <root>/$1-<version>/ (the highest version wins) or given as BASE_RUNTIME_DIR.
adopt_base_runtime() {
  local name="$1" base="${BASE_RUNTIME_DIR:-}" candidate
  if [[ -z "$base" ]]; then
    for candidate in "$(dirname "$RUNTIME_DIR")/$name" "$(dirname "$RUNTIME_DIR")/$name"-[0-9]*; do
      [[ -f "$candidate/runtime.yml" ]] && base="$(printf '%s\n%s\n' "$base" "$candidate" | sed '/^$/d' | sort -V | tail -n 1)"
    done
  fi
  [[ -n "$base" && -f "$base/runtime.yml" && -d "$base/isolated" ]] \
    || die "$RUNTIME_NAME extends $name, which is not installed next to $RUNTIME_DIR; install it first (runway runtime install $name --setup) or set BASE_RUNTIME_DIR"
  step "copying the $name tree from $base"
  cp -a "$base/isolated/." "$ISOLATED/"
}

# Writes runtime.yml: one mount per top-level folder of isolated/ (read-only except tmp) and
# the environment given as KEY=VALUE arguments. Written to a temp file, then renamed.
write_runtime_yml() {
  local file="$RUNTIME_DIR/runtime.yml" dir name pair
  step "writing runtime.yml"
  {
    printf 'name: %s\nversion: %s\ndescription: %s\n' \
      "$(yaml_quote "$RUNTIME_NAME")" "$(yaml_quote "$RUNTIME_VERSION")" "$(yaml_quote "$(manifest_field description)")"
    printf 'mounts:\n'
    for dir in "$ISOLATED"/*/; do
      name="$(basename "$dir")"
      printf '  - source: "isolated/%s"\n    target: "/%s"\n    readonly: %s\n' \
        "$name" "$name" "$([[ "$name" == tmp ]] && echo false || echo true)"
    done
    printf 'environment:\n'
    for pair in "$@"; do
      printf '  %s: %s\n' "${pair%%=*}" "$(yaml_quote "${pair#*=}")"
    done
  } >"$file.tmp"
  mv "$file.tmp" "$file"
  step "done: $RUNTIME_NAME $RUNTIME_VERSION is ready in $RUNTIME_DIR"
}

# Double-quotes a YAML scalar, escaping backslashes and quotes.
yaml_quote() {
  local value="${1//\\/\\\\}"
  printf '"%s"' "${value//\"/\\\"}"
}
