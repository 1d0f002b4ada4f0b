#!/usr/bin/env bash
# Imports image tarballs (docker-archive as written by Jib at <module>/target/jib-image.tar or
# by `docker save`, or OCI layout tars) into the running one-node cluster's containerd, in the
# k8s.io namespace the kubelet uses, so pods can run them with imagePullPolicy Never or
# IfNotPresent (never with :latest tags, which default to Always and would try a registry).
# Usage: import-image.sh TARBALL...
set -euo pipefail
# shellcheck source=tools/node/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

(($#)) || { echo "usage: $0 TARBALL..." >&2; exit 2; }
sock="$state/containerd/containerd.sock"
[[ -S $sock ]] || die "no node running in $state (start it with tools/node/up.sh)"
for tar in "$@"; do
  [[ -f $tar ]] || die "no such file: $tar"
  out="$(timeout 600 ctr --address "$sock" -n k8s.io images import "$tar" 2>&1)" ||
    die "import of $tar failed: $out"
  log "imported $tar: $(awk '/^unpacking/ {print $2}' <<<"$out" | paste -sd' ')"
done
