#!/usr/bin/env bash
# Proves an image tarball from `./mvnw -Pimages package` works, without Docker: unpacks its layers
# into a root filesystem, checks the image config and file modes, then runs the entrypoint in that
# root as the image's user (chroot, in fresh mount, PID and network namespaces; needs root).
#
# Usage: tools/verify-image.sh IMAGE_TAR [OPTION...] [--] [ARG...]
#   ARG...        appended to the image's entrypoint (like `docker run IMAGE ARG...`)
#   --probe       GET http://127.0.0.1:PORT/PATH inside the namespace until it answers 200, then
#                 stop the process; without it the process must exit 0 by itself
#   --expect-log  like --probe, but waits until the process logs a line matching this regex
#   --wait        seconds to wait for the probe (default 30)
#   --mount       HOST_PATH:IMAGE_PATH, bound read-only into the image (a ConfigMap, a Secret)
#   --java-version run `/opt/java/bin/java -version` instead of the entrypoint
#   --writable-tmp mount an empty tmpfs on /tmp, as an emptyDir volume would
# Environment: VERIFY_ENV  extra NAME=value pairs (space-separated) for the process.
#
# The root filesystem is mounted read-only, as the chart and the operator's pods run it
# (readOnlyRootFilesystem); /tmp too, unless --writable-tmp.
set -euo pipefail

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
[[ $# -ge 1 && -f "$1" ]] || usage
image="$(readlink -f "$1")"
shift
probe="" expect="" wait=30 java_version=false tmpfs=false mounts=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --probe) probe="$2"; shift 2 ;;
    --expect-log) expect="$2"; shift 2 ;;
    --wait) wait="$2"; shift 2 ;;
    --mount) mounts+=("$2"); shift 2 ;;
    --java-version) java_version=true; shift ;;
    --writable-tmp) tmpfs=true; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[[ $(id -u) -eq 0 ]] || { echo "verify-image: needs root (chroot, unshare)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tar" "$work/root"
tar -xf "$image" -C "$work/tar"
manifest="$work/tar/manifest.json"
config="$work/tar/$(jq -r '.[0].Config' "$manifest")"
echo "image:      $(jq -r '.[0].RepoTags | join(" ")' "$manifest")"
for layer in $(jq -r '.[0].Layers[]' "$manifest"); do
  tar -xzf "$work/tar/$layer" -C "$work/root" --numeric-owner --same-permissions --warning=no-unknown-keyword
done

fail() { echo "FAIL: $*" >&2; exit 1; }
user="$(jq -r '.config.User // ""' "$config")"
mapfile -t entrypoint < <(jq -r '.config.Entrypoint[]' "$config")
mapfile -t env < <(jq -r '.config.Env[]?' "$config")
echo "user:       $user"
echo "entrypoint: ${entrypoint[*]}"
echo "created:    $(jq -r .created "$config")"
echo "layers:     $(jq -r '.[0].Layers | length' "$manifest"), $(du -b "$image" | cut -f1) bytes"
[[ -n "$user" && "${user%%:*}" =~ ^[0-9]+$ && "${user%%:*}" -ne 0 ]] ||
  fail "the image must name a numeric non-root user (runAsNonRoot), not '$user'"
java="$work/root/${entrypoint[0]}"
[[ -f "$java" && -x "$java" ]] || fail "entrypoint ${entrypoint[0]} is not an executable file"
[[ "$(stat -c %a "$work/root/lib64/ld-linux-x86-64.so.2")" == 755 ]] || fail "ld.so not 755"
owners="$(find "$work/root" -mindepth 1 \( ! -uid 0 -o ! -gid 0 \) | head -3)"
[[ -z "$owners" ]] || fail "files not owned by root, which the non-root user could change: $owners"
writable="$(find "$work/root" -mindepth 1 -perm -o+w ! -path "$work/root/tmp" | head -3)"
[[ -z "$writable" ]] || fail "world-writable files besides /tmp: $writable"
setuid="$(find "$work/root" -perm /6000 | head -3)"
[[ -z "$setuid" ]] || fail "setuid or setgid files: $setuid"
echo "files:      $(find "$work/root" -type f | wc -l), all owned by 0:0, none setuid," \
  "only /tmp world-writable; $(du -sh "$work/root" | cut -f1) unpacked"

if $java_version; then
  command=(/opt/java/bin/java -version)
else
  command=("${entrypoint[@]}" "$@")
fi
mkdir -p "$work/root/proc" "$work/root/dev" "$work/root/tmp"
binds=""
for mount in "${mounts[@]}"; do
  source="$(readlink -f "${mount%%:*}")" target="$work/root/${mount#*:}"
  if [[ -d "$source" ]]; then mkdir -p "$target"; else mkdir -p "$(dirname "$target")" && touch "$target"; fi
  binds+="$source:$target "
done
# Inside fresh namespaces: loopback up, /proc and /dev as a runtime provides them, the root
# read-only and /tmp a writable tmpfs; then the process runs as the image's user and environment.
inner=$(
  cat <<'EOF'
set -euo pipefail
root="$1" user="$2" probe="$3" expect="$4" wait="$5" log="$6"; shift 6
ip link set lo up
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount --rbind /dev "$root/dev"
for bind in $BINDS; do
  mount --bind "${bind%%:*}" "${bind#*:}"
  mount -o remount,bind,ro "${bind#*:}"
done
mount -t proc proc "$root/proc"
[[ "$TMPFS" == true ]] && mount -t tmpfs -o mode=1777,size=64m tmpfs "$root/tmp"
if [[ -z "$probe" && -z "$expect" ]]; then
  exec env -i $ENVIRONMENT "$CHROOT" --userspec="$user" "$root" "$@"
fi
env -i $ENVIRONMENT "$CHROOT" --userspec="$user" "$root" "$@" >"$log" 2>&1 &
pid=$!
url="http://127.0.0.1:${probe}"
for _ in $(seq "$((wait * 5))"); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "process exited before ${expect:-$url} answered" >&2
    cat "$log" >&2
    exit 1
  fi
  answer=""
  if [[ -n "$expect" ]] && grep -qE "$expect" "$log"; then
    echo "expected:   $(grep -E "$expect" "$log" | head -1 | cut -c1-160)"
    answer=found
  elif [[ -n "$probe" ]] && answer="$(curl -fsS --max-time 1 "$url" 2>/dev/null)"; then
    echo "probe:      GET $url -> 200 $answer"
  fi
  if [[ -n "$answer" ]]; then
    echo "process:    uid $(stat -c %u "/proc/$pid"), $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-100)"
    # Netty loads its native transport from java.library.path or by unpacking it to /tmp.
    netty="$(grep -o '[^ ]*libnetty[^ ]*' "/proc/$pid/maps" | sort -u | tr '\n' ' ' || true)"
    echo "native:     ${netty:-no Netty native library loaded (NIO fallback)}" | sed "s#$root##g"
    kill -TERM "$pid"
    wait "$pid" || true
    echo "log:"
    grep -vE '^\s+(at |\.\.\. )' "$log" | tail -n 12 | cut -c1-200 | sed 's/^/  /'
    exit 0
  fi
  sleep 0.2
done
echo "no answer from ${expect:-$url} within ${wait}s" >&2
cat "$log" >&2
exit 1
EOF
)
BINDS="$binds" TMPFS="$tmpfs" CHROOT="$(command -v chroot)" ENVIRONMENT="${env[*]} ${VERIFY_ENV:-}" unshare --mount --pid --net --fork --kill-child --mount-proc \
  bash -c "$inner" verify "$work/root" "$user" "$probe" "$expect" "$wait" "$work/process.log" "${command[@]}"
