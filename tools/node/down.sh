#!/usr/bin/env bash
# Stops the one-node test cluster of tools/node/up.sh and removes everything it made, whatever
# state it is in (also after a half-failed up.sh): its processes (daemons whose arguments name
# the state dir, containerd shims and the container processes under them, which ignore SIGTERM
# as PID 1 of their namespaces), mounts under the state dir (container root filesystems,
# volumes, network namespaces), the outside network namespace and the processes in it, the pod
# bridge and the node interface (tlnode0), the
# iptables-legacy chains of kube-proxy, kubelet, CNI and up.sh, CNI cache files, the kernel
# settings it changed, and finally the state dir. Idempotent; safe to run twice.
# Usage: down.sh [--quiet]
set -euo pipefail
# shellcheck source=tools/node/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $EUID -eq 0 ]] || die "must run as root"
quiet=0
[[ ${1:-} == --quiet ]] && quiet=1
say() { ((quiet)) || log "$@"; }
started=$SECONDS
sock="$state/containerd/containerd.sock"

cmdline() { # pid: its arguments in REPLY, space-joined (no fork: /proc is scanned often)
  local -a a
  REPLY=""
  { mapfile -d '' a <"/proc/$1/cmdline"; } 2>/dev/null || return 1
  REPLY="${a[*]}"
}

# The daemons (their arguments name the state dir) and containerd's shims (they name its socket).
daemon_pids() {
  local p
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    cmdline "$p" || continue
    case "$REPLY" in
      "$bin_dir/etcd "*"$state"*) [[ ${1:-} == but-etcd ]] || echo "$p" ;;
      *containerd-shim*"$sock"* | "$bin_dir/"*"$state"* | containerd\ --config\ "$state/"*) echo "$p" ;;
    esac
  done
}
# Container processes (pause, the pods' containers): those in the cgroups runc made for this
# node's containers (<controller>/k8s.io/<id>), and any descendant of a shim. As PID 1 of their
# namespaces they ignore SIGTERM; orphaned by a dead shim they would live on.
declare -A ids=()
for task in "$state"/containerd/state/io.containerd.runtime.v2.task/k8s.io/*; do
  [[ -d $task ]] && ids["${task##*/}"]=1
done
container_pids() {
  local p line table shims=() frontier next
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    read -r line 2>/dev/null <"/proc/$p/cgroup" || continue
    [[ $line == */k8s.io/* && -n ${ids[${line##*/k8s.io/}]:-} ]] && echo "$p"
    cmdline "$p" && [[ $REPLY == *containerd-shim*"$sock"* ]] && shims+=("$p")
  done
  table="$(ps -e -o pid=,ppid=)"
  frontier=("${shims[@]}")
  while ((${#frontier[@]})); do
    next=()
    for p in "${frontier[@]}"; do
      mapfile -t -O "${#next[@]}" next < <(awk -v pp="$p" '$2 == pp {print $1}' <<<"$table")
    done
    ((${#next[@]})) && printf '%s\n' "${next[@]}"
    frontier=("${next[@]}")
  done
}
wait_gone() { # seconds pid-lister: true when the lister finds nothing within the time
  local i
  for ((i = 0; i < $1 * 4; i++)); do
    [[ -z "$($2)" ]] && return 0
    sleep 0.25
  done
  return 1
}
all_pids() { { daemon_pids; container_pids; } | sort -un; }

mapfile -t pids < <(all_pids)
if ((${#pids[@]})); then
  say "stopping ${#pids[@]} processes"
  mapfile -t pids < <(container_pids | sort -un)
  ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
  # etcd stays until the API server is gone, else the API server waits on it while stopping.
  mapfile -t pids < <(daemon_pids but-etcd)
  ((${#pids[@]} == 0)) || kill -TERM "${pids[@]}" 2>/dev/null || true
  wait_gone 5 "daemon_pids but-etcd" || true
  mapfile -t pids < <(all_pids)
  ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
  wait_gone 10 all_pids || log "WARNING: processes still alive: $(all_pids | paste -sd' ')"
fi

# Mounts under the state dir, deepest first (overlay root filesystems, shm, volumes,
# network namespace files), lazily when busy. A few passes: unmounting can uncover more.
mounted() { findmnt -rn -o TARGET | awk -v s="$state" 'index($0, s "/") == 1 || $0 == s' | sort -r; }
for _ in 1 2 3 4 5; do
  mapfile -t mounts < <(mounted)
  ((${#mounts[@]})) || break
  say "unmounting ${#mounts[@]} mounts"
  for m in "${mounts[@]}"; do
    m="$(printf '%b' "$m")" # findmnt -r escapes blanks as \x20
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
done

if ip netns list | grep -qx "$OUTSIDE_NS\( (id: [0-9]*)\)\?"; then
  mapfile -t pids < <(ip netns pids "$OUTSIDE_NS")
  ((${#pids[@]} == 0)) || kill -KILL "${pids[@]}" 2>/dev/null || true
  say "removing network namespace $OUTSIDE_NS"
  ip netns del "$OUTSIDE_NS"
fi
for link in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
  ip link del "$link" 2>/dev/null || true
done
for dev in "$OUTSIDE_IF" "$BRIDGE" "$NODE_IF"; do
  if ip link show "$dev" >/dev/null 2>&1; then
    say "removing interface $dev"
    ip link del "$dev"
  fi
done

# iptables-legacy (the front end the node uses): rewrites each table without the chains of
# kube-proxy and kubelet (KUBE-*), of up.sh (TRUNKLINE-*), the rules CNI portmap made for this
# node's network and the CNI chains left empty or unreferenced by that.
prune_rules() {
  NET="name: \\\"$CNI_NET\\\"" awk '
    function ours(c) { return c ~ /^(KUBE-|TRUNKLINE-)/ }
    { line[NR] = $0 }
    /^:/ { c = substr($1, 2); decl[NR] = c; drop[c] = ours(c) }
    /^-A / {
      rc[NR] = $2; tg[NR] = ""
      for (i = 3; i < NF; i++) if ($i == "-j" || $i == "-g") tg[NR] = $(i + 1)
      keep[NR] = !(ours($2) || ours(tg[NR]) || index($0, ENVIRON["NET"]))
    }
    END {
      do {
        changed = 0; dn = 0
        for (n in decl) if (decl[n] ~ /^CNI-DN-/ && !drop[decl[n]]) dn++
        for (n in decl) {
          c = decl[n]
          if (c !~ /^CNI-/ || drop[c]) continue
          rules = 0; refs = 0
          for (r in rc) if (keep[r]) { if (rc[r] == c) rules++; else if (tg[r] == c) refs++ }
          if (rules == 0 || refs == 0 || (c ~ /^CNI-HOSTPORT-/ && dn == 0)) {
            drop[c] = 1; changed = 1
            for (r in rc) if (rc[r] == c || tg[r] == c) keep[r] = 0
          }
        }
      } while (changed)
      for (i = 1; i <= NR; i++)
        if ((i in decl) ? !drop[decl[i]] : ((i in rc) ? keep[i] : 1)) print line[i]
    }'
}
for v in "" 6; do
  names="/proc/net/ip${v}_tables_names"
  [[ -r $names ]] || continue
  while read -r table; do
    before="$("ip${v}tables-legacy-save" -t "$table" 2>/dev/null)" || continue
    after="$(prune_rules <<<"$before")"
    if [[ "$before" != "$after" ]]; then
      say "removing node chains and rules from ip${v}tables-legacy table $table"
      "ip${v}tables-legacy-restore" <<<"$after"
    fi
  done <"$names"
done

# What the runtime keeps outside the state dir, per container or sandbox id: containerd 1.6
# shim sockets (/run/containerd/s/sha256(<socket>/<namespace>/<id>)), runc's cgroups
# (<controller>/k8s.io/<id>), CNI result caches; then kubelet's log links and the directories
# kubelet and containerd make at fixed places, when nothing else is left in them.
shopt -s nullglob
for id in "${!ids[@]}"; do
  hash="$(printf '%s' "$sock/k8s.io/$id" | sha256sum)"
  rm -f "/run/containerd/s/${hash%% *}" "/var/lib/cni/results/$CNI_NET-$id-"* "/var/lib/cni/results/cni-loopback-$id-"*
  for cg in /sys/fs/cgroup/*/k8s.io/"$id"; do rmdir "$cg" 2>/dev/null || true; done
done
for cg in /sys/fs/cgroup/*/k8s.io; do rmdir "$cg" 2>/dev/null || true; done
shopt -u nullglob
[[ -d /var/log/containers ]] && find /var/log/containers -maxdepth 1 -lname "$state/*" -delete
plugin_sock=/var/lib/kubelet/device-plugins/kubelet.sock
listeners="$(ss -xl)"
if [[ -S $plugin_sock && $listeners != *"$plugin_sock "* ]]; then rm -f "$plugin_sock"; fi
for d in /var/lib/kubelet/device-plugins /var/lib/kubelet /var/log/containers /var/lib/cni/results \
  /var/lib/cni /run/containerd/s /run/containerd /usr/libexec/kubernetes/kubelet-plugins/volume/exec \
  /usr/libexec/kubernetes/kubelet-plugins/volume /usr/libexec/kubernetes/kubelet-plugins \
  /usr/libexec/kubernetes; do
  rmdir "$d" 2>/dev/null || true
done

if [[ -f $state/sysctl.orig ]]; then
  say "restoring kernel settings"
  while IFS= read -r kv; do sysctl -qw "$kv" 2>/dev/null || true; done <"$state/sysctl.orig"
fi

if [[ -d $state ]]; then
  # Never delete through a mount that is still there (a hostPath volume would be emptied).
  mapfile -t mounts < <(mounted)
  ((${#mounts[@]} == 0)) || die "mounts remain under $state, not removing it: ${mounts[*]}"
  rm -rf "$state"
  say "removed $state"
fi
say "down in $((SECONDS - started)) s"
