#!/usr/bin/env bash
# Writes a one-layer image as a docker-archive tarball (what `docker save` and Jib write, and
# `ctr images import` reads) from a root filesystem directory, with no registry, daemon or
# image tool: manifest.json, a config JSON whose rootfs.diff_ids hold the layer's sha256, and
# the layer tar. Deterministic (sorted entries, mtime 0, owner 0), so rebuilds keep digests.
#
# Usage: mkimage.sh OUT.tar TAG ROOTFS_DIR ENTRYPOINT_JSON [USER]
#   e.g. mkimage.sh pause.tar localhost/trunkline-node/pause:3.10.1 rootfs '["/pause"]' 65535:65535
set -euo pipefail

[[ $# -ge 4 ]] || { echo "usage: $0 OUT.tar TAG ROOTFS_DIR ENTRYPOINT_JSON [USER]" >&2; exit 2; }
out="$1" tag="$2" rootfs="$3" entrypoint="$4" user="${5:-0:0}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu \
  -C "$rootfs" -cf "$work/layer.tar" .
layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
mkdir "$work/$layer_sha"
mv "$work/layer.tar" "$work/$layer_sha/layer.tar"

printf '%s' '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",'\
'"config":{"User":"'"$user"'","Env":["PATH=/usr/local/bin:/usr/bin:/bin"],'\
'"Entrypoint":'"$entrypoint"',"WorkingDir":"/"},'\
'"rootfs":{"type":"layers","diff_ids":["sha256:'"$layer_sha"'"]},'\
'"history":[{"created":"1970-01-01T00:00:00Z","created_by":"tools/node/mkimage.sh"}]}' \
  >"$work/config.json"
config_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mv "$work/config.json" "$work/$config_sha.json"

printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' \
  "$config_sha" "$tag" "$layer_sha" >"$work/manifest.json"

tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu \
  -C "$work" -cf "$out.tmp" manifest.json "$config_sha.json" "$layer_sha"
mv "$out.tmp" "$out"
