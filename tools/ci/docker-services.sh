# shellcheck shell=bash
# Docker services for the test suite: a private dockerd and two local registries (plain and with
# basic auth), all children of the calling shell, with state under one folder.
#
# Usage (sourced, bash):
#   . tools/ci/docker-services.sh
#   start_docker_services /tmp/runway-docker
#   ...tests...
#   stop_docker_services
#
# Exports DOCKER_HOST, RUNWAY_TEST_REGISTRY, RUNWAY_TEST_AUTH_REGISTRY, RUNWAY_TEST_REGISTRY_USER,
# RUNWAY_TEST_REGISTRY_PASSWORD and RUNWAY_TEST_BASE_IMAGE. Nothing is pulled from Docker Hub: the
# base image is imported from Debian's busybox-static so payload Dockerfiles build offline.

RUNWAY_DOCKER_PIDS=()
RUNWAY_DOCKER_STATE=""

_rds_log() { printf 'docker-services: %s\n' "$*" >&2; }

# Installs the Debian packages providing dockerd, the registry, busybox and htpasswd when missing.
_rds_install() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
  # The dynamic busybox package would not run inside a FROM-scratch image: the static one is needed.
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  [ ${#missing[@]} -eq 0 ] && return 0
  _rds_log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Polls a command until it succeeds, at most $1 seconds.
_rds_wait() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.2
  done
}

# Writes a registry config: filesystem storage, one address, optional htpasswd auth.
_rds_registry_config() {
  local dir=$1 addr=$2 htpasswd=${3:-}
  mkdir -p "$dir/data"
  {
    printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' "$dir/data"
    printf 'http:\n  addr: %s\n' "$addr"
    if [ -n "$htpasswd" ]; then
      printf 'auth:\n  htpasswd:\n    realm: runway-test\n    path: %s\n' "$htpasswd"
    fi
  } >"$dir/config.yml"
}

# Starts a background child and remembers its PID for stop_docker_services.
_rds_spawn() {
  local logfile=$1; shift
  "$@" >"$logfile" 2>&1 &
  RUNWAY_DOCKER_PIDS+=($!)
}

start_docker_services() {
  local d=${1:?usage: start_docker_services <state-dir>}
  mkdir -p "$d" && d=$(cd "$d" && pwd)
  RUNWAY_DOCKER_STATE=$d
  _rds_install || { _rds_log "could not install docker.io docker-registry busybox-static apache2-utils"; return 1; }

  _rds_spawn "$d/dockerd.log" dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
    --host="unix://$d/docker.sock" --data-root="$d/data" --exec-root="$d/exec" --pidfile="$d/docker.pid"
  export DOCKER_HOST="unix://$d/docker.sock"
  if ! _rds_wait 60 docker version; then
    _rds_log "dockerd did not answer within 60s; log follows"; tail -n 30 "$d/dockerd.log" >&2
    stop_docker_services; return 1
  fi

  export RUNWAY_TEST_REGISTRY_USER=runway
  export RUNWAY_TEST_REGISTRY_PASSWORD="pw-$RANDOM$RANDOM"
  htpasswd -Bbc "$d/htpasswd" "$RUNWAY_TEST_REGISTRY_USER" "$RUNWAY_TEST_REGISTRY_PASSWORD" >/dev/null 2>&1
  _rds_registry_config "$d/registry-plain" 127.0.0.1:5000
  _rds_registry_config "$d/registry-auth" 127.0.0.1:5001 "$d/htpasswd"
  _rds_spawn "$d/registry-plain.log" docker-registry serve "$d/registry-plain/config.yml"
  _rds_spawn "$d/registry-auth.log" docker-registry serve "$d/registry-auth/config.yml"
  # The auth registry answers 401 on /v2/ when up; curl -s without -f treats that as success.
  if ! _rds_wait 30 curl -sf http://127.0.0.1:5000/v2/ || ! _rds_wait 30 curl -s -o /dev/null http://127.0.0.1:5001/v2/; then
    _rds_log "registries did not answer within 30s"; tail -n 20 "$d"/registry-*.log >&2
    stop_docker_services; return 1
  fi
  export RUNWAY_TEST_REGISTRY=127.0.0.1:5000
  export RUNWAY_TEST_AUTH_REGISTRY=127.0.0.1:5001

  # A base image with a shell and coreutils, made locally: payload Dockerfiles use FROM runway-base:busybox.
  export RUNWAY_TEST_BASE_IMAGE=runway-base:busybox
  if ! docker image inspect "$RUNWAY_TEST_BASE_IMAGE" >/dev/null 2>&1; then
    local root="$d/base-rootfs"
    rm -rf "$root" && mkdir -p "$root/bin" "$root/tmp" "$root/etc"
    cp /bin/busybox "$root/bin/busybox"
    # Relative links: `busybox --install` would write absolute host paths into the image.
    for a in $("$root/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"; done
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
    tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$RUNWAY_TEST_BASE_IMAGE" >/dev/null || {
      _rds_log "docker import of the busybox base image failed"; stop_docker_services; return 1; }
  fi
  _rds_log "ready: DOCKER_HOST=$DOCKER_HOST registries $RUNWAY_TEST_REGISTRY (plain) $RUNWAY_TEST_AUTH_REGISTRY (auth)"
}

# Stops every service started above: TERM, wait up to 20s, then KILL. PID 1 here does not reap
# orphans, so each child is waited for by this shell.
stop_docker_services() {
  local pid i
  for pid in "${RUNWAY_DOCKER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${RUNWAY_DOCKER_PIDS[@]}"; do
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  RUNWAY_DOCKER_PIDS=()
}
