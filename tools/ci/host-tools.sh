#!/usr/bin/env bash
# install_host_tools <command:package>…: installs through apt the Debian package of every command
# that is missing (each checked, so one already present does not hide another missing).
# Sourced by the README's two commands; needs root (or the tools already present).

install_host_tools() {
  local missing=() tool
  for tool in "$@"; do
    if [ "${tool%%:*}" = debian-archive-keyring ]; then
      [ -e /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)
    else
      command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "installing ${missing[*]} (apt-get)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What building a runtime's prebuilt Debian environment needs (mmdebstrap, the smoke test's sandbox).
# shellcheck disable=SC2034 # used by the scripts that source this file
RELEASE_HOST_TOOLS=(mmdebstrap:mmdebstrap bwrap:bubblewrap dpkg-deb:dpkg debian-archive-keyring)
