#!/usr/bin/env bash
# Installs those of the named Debian packages that are missing: the real peers the tests and the
# benches drive (sipp, tshark, redis-server, Kamailio, rtpengine...) and what the node and the
# image tests run on, so that the test command, CI and each bench need nothing installed by hand.
# As root through apt-get; otherwise it names what is missing and how to install it, and fails.
# Usage: tools/debian-packages.sh PACKAGE...
set -euo pipefail

(($#)) || { echo "usage: $0 PACKAGE..." >&2; exit 64; }
say() { echo "debian-packages: $*" >&2; }

if ! command -v dpkg-query >/dev/null; then
  say "not a Debian system: install the equivalents of $* yourself"
  exit 0
fi
missing=()
for p in "$@"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
done
((${#missing[@]})) || exit 0
if [[ $(id -u) -ne 0 ]]; then
  say "missing ${missing[*]}; as root: apt-get install -y --no-install-recommends ${missing[*]}"
  exit 69
fi
say "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Waits for another apt (unattended upgrades, a second job) rather than failing on its lock; reads
# the package lists again only if they are too old to name a package.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
  { apt_get update -qq && apt_get install -y -qq --no-install-recommends "${missing[@]}" >&2; }
