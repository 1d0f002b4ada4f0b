#!/usr/bin/env bash
# Podman's Docker-compatible API service, for the image tests (*ImageTest in e2e) where no Docker
# engine runs: they reach it through Testcontainers (decision 0019). Needs root.
#
# Usage: tools/podman-service.sh start|stop
#   start  installs podman, runc and the CNI plugins (Debian) when missing, writes a podman
#          configuration of its own and starts `podman system service` on $TRUNKLINE_PODMAN_SOCKET
#          (default /run/trunkline-podman.sock); does nothing when that socket already answers
#   stop   removes every container and network of that configuration, stops the service; the
#          loaded images stay cached in its storage (only the untagged ones are pruned)
#
# The configuration (containers.conf through CONTAINERS_CONF, storage.conf through
# CONTAINERS_STORAGE_CONF) keeps this podman apart from any other on the machine: storage under
# /var/lib/trunkline-podman, state and networks under /run/trunkline-podman. It runs containers
# with runc (crun fails on this machine's cgroups), cgroupfs (no systemd), CNI networking (bridge
# and portmap plugins) and rlimits no higher than this machine's hard limits: podman otherwise asks
# for nofile and nproc of 1048576, which runc cannot set without CAP_SYS_RESOURCE.
set -euo pipefail

tools="$(cd "$(dirname "$0")" && pwd)"
socket="${TRUNKLINE_PODMAN_SOCKET:-/run/trunkline-podman.sock}"
storage="${TRUNKLINE_PODMAN_STORAGE:-/var/lib/trunkline-podman}"
run="/run/trunkline-podman"
# Bridges CNI leaves behind: the image tests' network's (ImageNetwork.java names it) and that of
# podman's default network, which the tests' containers without a network of their own join.
bridges=(tlimage0 cni-podman0)

say() { echo "podman-service: $*" >&2; }
die() { say "$*"; exit 1; }
[[ $(id -u) -eq 0 ]] || die "needs root (apt-get, /run, runc)"

export CONTAINERS_CONF="$run/containers.conf" CONTAINERS_STORAGE_CONF="$run/storage.conf"

answers() { curl -fsS --max-time 2 --unix-socket "$socket" http://podman/_ping >/dev/null 2>&1; }

install() {
  # runc named with podman: otherwise apt satisfies podman's "crun | runc" with crun.
  bash "$tools/debian-packages.sh" podman runc containernetworking-plugins iptables curl
}

configure() {
  local nofile nproc pid_max
  nofile="$(ulimit -Hn)"
  nproc="$(ulimit -Hu)"
  # podman caps its own (and so conmon's and runc's) nproc at the kernel's pid_max.
  pid_max="$(cat /proc/sys/kernel/pid_max)"
  [[ "$nproc" == unlimited || "$nproc" -gt "$pid_max" ]] && nproc="$pid_max"
  [[ "$nofile" == unlimited ]] && nofile="$(cat /proc/sys/fs/nr_open)"
  mkdir -p "$run/cni" "$run/libpod" "$storage"
  cat >"$run/containers.conf" <<EOF
# Written by tools/podman-service.sh on each start; read through CONTAINERS_CONF.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$run/libpod"

[network]
network_backend = "cni"
network_config_dir = "$run/cni"
EOF
  cat >"$run/storage.conf" <<EOF
# Written by tools/podman-service.sh on each start; read through CONTAINERS_STORAGE_CONF.
[storage]
driver = "overlay"
graphroot = "$storage/storage"
runroot = "$run/storage"
EOF
}

start() {
  if answers; then
    say "already answering on $socket"
    return
  fi
  install
  configure
  rm -f "$socket"
  # Detached from the caller (a test JVM): its own session, output to its log only.
  setsid podman system service --time=0 "unix://$socket" >"$run/service.log" 2>&1 </dev/null &
  echo $! >"$run/service.pid"
  for _ in $(seq 150); do
    if answers; then
      say "podman $(podman version --format '{{.Server.Version}}' 2>/dev/null) answering on $socket" \
        "(runc, cgroupfs, CNI; pid $(cat "$run/service.pid"))"
      return
    fi
    kill -0 "$(cat "$run/service.pid")" 2>/dev/null || break
    sleep 0.2
  done
  tail -n 20 "$run/service.log" >&2 || true
  die "podman system service did not answer on $socket within 30 s"
}

stop() {
  if [[ -f "$run/containers.conf" ]]; then
    # The podman CLI works on the same storage whether or not the service still runs.
    podman rm --all --force --time 0 >/dev/null 2>&1 || say "could not remove every container"
    podman network prune --force >/dev/null 2>&1 || true
    podman image prune --force >/dev/null 2>&1 || true
  fi
  if [[ -f "$run/service.pid" ]]; then
    local pid
    pid="$(cat "$run/service.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$run/service.pid"
  fi
  rm -f "$socket"
  local bridge
  for bridge in "${bridges[@]}"; do
    # Only when no container is attached any more (another podman may share cni-podman0).
    if ip link show "$bridge" >/dev/null 2>&1 && [[ -z "$(ip link show master "$bridge")" ]]; then
      ip link delete "$bridge" || say "could not delete bridge $bridge"
    fi
  done
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64 ;;
esac
