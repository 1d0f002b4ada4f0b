#!/usr/bin/env bash
# Builds everything the one-node test cluster (tools/node/up.sh) runs, without Docker or an
# image registry:
#   - kubelet, kube-proxy, kube-scheduler, kube-controller-manager v1.34.4 from the Go module
#     proxy (the wrapper module and ldflags of tools/build-test-binaries.sh, which also builds
#     kube-apiserver, kubectl, etcd and helm and is run first), and CoreDNS (its own wrapper
#     module, tools/test-binaries/coredns), into the same cache dir;
#   - the real pause (k8s.io/kubernetes build/pause/linux/pause.c from the module cache),
#     compiled statically with gcc;
#   - docker-archive image tarballs for pause, coredns and a Debian busybox-static test
#     helper (tools/node/mkimage.sh), in <cache dir>/node-images;
#   - the Debian packages the node needs (containerd, runc, CNI plugins, iptables, conntrack,
#     busybox-static for the test image, gcc for pause, openssl and curl for up.sh).
# Idempotent: present binaries answering with the pinned versions and present images are kept.
set -euo pipefail
# shellcheck source=tools/node/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"


# Compares a binary's version text whole (no pipe into grep -q: SIGPIPE under pipefail).
reports() { # binary args... -- expected-substring
  local args=() out
  while [[ $1 != -- ]]; do args+=("$1"); shift; done
  out="$("${args[@]}" 2>&1)" || return 1
  [[ $out == *"$2"* ]]
}

debs=(containerd runc containernetworking-plugins iptables conntrack busybox-static gcc libc6-dev openssl curl)
"$repo_tools/debian-packages.sh" "${debs[@]}"

"$repo_tools/build-test-binaries.sh"

start=$SECONDS
k8s_cmds=(kubelet kube-proxy kube-scheduler kube-controller-manager)
stale=()
for c in "${k8s_cmds[@]}"; do
  reports "$bin_dir/$c" --version -- "Kubernetes v${K8S_VERSION}" || stale+=("k8s.io/kubernetes/cmd/$c")
done
if ((${#stale[@]})); then
  # Same ldflags as build-test-binaries.sh: unversioned builds report v0.0.0.
  ldflags="-s -w"
  minor="${K8S_VERSION#*.}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v${K8S_VERSION} -X $pkg.gitMajor=${K8S_VERSION%%.*}"
    ldflags+=" -X $pkg.gitMinor=${minor%%.*} -X $pkg.gitTreeState=clean"
  done
  log "building ${stale[*]##*/} v$K8S_VERSION (several minutes on a cold cache)"
  (cd "$repo_tools/test-binaries/kubernetes" &&
    go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$bin_dir/" "${stale[@]}")
fi

if ! reports "$bin_dir/coredns" -version -- "CoreDNS-${COREDNS_VERSION}"; then
  log "building CoreDNS v$COREDNS_VERSION"
  (cd "$repo_tools/test-binaries/coredns" &&
    CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags "-s -w" \
      -o "$bin_dir/coredns" github.com/coredns/coredns)
fi

if ! reports "$bin_dir/pause" -v -- "pause.c v${PAUSE_VERSION}"; then
  k8s_src="$(cd "$repo_tools/test-binaries/kubernetes" && go mod download -json k8s.io/kubernetes |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -f "$k8s_src/build/pause/linux/pause.c" ]] || die "pause.c not found under '$k8s_src'"
  log "compiling pause v$PAUSE_VERSION from $k8s_src/build/pause/linux/pause.c"
  # The flags of build/pause/Makefile (CFLAGS), with a plain version string.
  gcc -Os -Wall -Werror -static -DVERSION="v${PAUSE_VERSION}" \
    -o "$bin_dir/pause" "$k8s_src/build/pause/linux/pause.c"
  strip "$bin_dir/pause"
fi

# image NAME TAG ENTRYPOINT_JSON USER FILES... : (re)builds $image_dir/NAME.tar when missing,
# tagged differently or older than one of its files. Each file lands at / of the image.
image() {
  local name="$1" tag="$2" entrypoint="$3" user="$4" tar="$image_dir/$1.tar" f fresh=1
  shift 4
  [[ -f "$tar" ]] && [[ "$(tar -xOf "$tar" manifest.json)" == *"\"$tag\""* ]] || fresh=0
  for f in "$@"; do [[ "$f" -nt "$tar" ]] && fresh=0; done
  ((fresh)) && return 0
  log "writing image $tag -> $tar"
  local root
  root="$(mktemp -d)"
  mkdir -p "$root/tmp" "$root/etc" && chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  for f in "$@"; do cp "$f" "$root/"; done
  if [[ $name == busybox ]]; then
    mkdir "$root/bin" && mv "$root/busybox" "$root/bin/busybox"
    local applet
    for applet in $("$root/bin/busybox" --list); do
      [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
    done
  fi
  mkdir -p "$image_dir"
  "$node_tools/mkimage.sh" "$tar" "$tag" "$root" "$entrypoint" "$user"
  rm -rf "$root"
}
# pause runs as 65535 like the upstream image (build/pause/Dockerfile).
image pause "$PAUSE_IMAGE" '["/pause"]' 65535:65535 "$bin_dir/pause"
image coredns "$COREDNS_IMAGE" '["/coredns"]' 0:0 "$bin_dir/coredns"
image busybox "$BUSYBOX_IMAGE" '["/bin/sh"]' 0:0 /bin/busybox

log "node binaries ready in $bin_dir ($((SECONDS - start)) s), images in $image_dir:"
for c in "${k8s_cmds[@]}"; do printf '  %-24s %s\n' "$c" "$("$bin_dir/$c" --version)"; done
printf '  %-24s %s\n' coredns "$("$bin_dir/coredns" -version | head -1)" pause "$("$bin_dir/pause" -v)"
printf '  %-24s %s\n' containerd "$(containerd --version)" runc "$(runc --version | head -1)"
