#!/usr/bin/env bash
# Builds the root filesystem every Trunkline image starts from, without a registry or a Docker
# daemon: a jlinked Java runtime from the build machine's JDK 17 (its jmods), the glibc and other
# shared libraries that runtime links against, a non-root user and /tmp. Jib adds the directory to
# a scratch image (the `images` profile in pom.xml); docs/decisions/0011-container-images.md says
# why.
#
# Usage: tools/image-base.sh [OUTPUT_DIR]   (default: target/image-base at the repository root)
# Environment: IMAGE_JDK  the JDK whose jmods are linked (default: the JDK 17 of /usr/lib/jvm).
#
# Idempotent: the result is kept until the JDK, the module list, the harvested Debian packages or
# this script change.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/image-base}"
jdk="${IMAGE_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}"

# The union of what the three images need (jdeps --print-module-deps over their runtime class
# paths) plus the providers jlink does not pull in on its own: jdk.crypto.ec for TLS with
# EC keys, jdk.zipfs and jdk.naming.dns for libraries that look them up at run time. One list for
# all images keeps the runtime layer identical, so registries and nodes store it once.
modules=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,\
java.net.http,java.sql,java.xml,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.naming.dns,\
jdk.sctp,jdk.unsupported,jdk.zipfs

[[ -d "$jdk/jmods" ]] || {
  echo "image-base: $jdk has no jmods; set IMAGE_JDK to a JDK 17 with jmods" >&2
  exit 1
}
key="$(
  {
    cat "$jdk/release"
    echo "$modules"
    cat "$0"
    # Security updates of the harvested libraries and the trust store rebuild the base.
    dpkg-query -W libc6 libgcc-s1 libstdc++6 zlib1g ca-certificates-java 2>/dev/null || true
    sha256sum "$jdk/lib/security/cacerts"
  } | sha256sum | cut -c1-64
)"
# The key sits beside the directory, not in it: everything in it goes into the images.
if [[ -d "$out" && -f "$out.key" && "$(cat "$out.key")" == "$key" ]]; then
  exit 0
fi

mkdir -p "$(dirname "$out")"
work="$(mktemp -d "$out.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fs="$work/fs"
mkdir -p "$fs/opt" "$fs/etc" "$fs/tmp"

"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$modules" \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$work/java"
# Identical legal notices are symbolic links in jlink's output; the image keeps plain files.
cp -rL "$work/java" "$fs/opt/java"
# Debian's JDK links its trust store to /etc/ssl/certs/java/cacerts (ca-certificates-java): carry
# the file itself so TLS to carriers and the API server works in the image.
rm -f "$fs/opt/java/lib/security/cacerts"
cp -L "$jdk/lib/security/cacerts" "$fs/opt/java/lib/security/cacerts"

# Every shared library the runtime loads, resolved on this machine. GUI libraries of java.desktop
# (AWT, sound, fonts) are never loaded by a headless server and their X11 dependencies stay out.
libs="$(
  find "$fs/opt/java" -name '*.so' \
    ! -name 'libawt_xawt.so' ! -name 'libjawt.so' ! -name 'libsplashscreen.so' \
    ! -name 'libjsound.so' ! -name 'libfontmanager.so' ! -name 'liblcms.so' \
    ! -name 'libjavajpeg.so' ! -name 'libmlib_image.so' ! -name 'libawt.so' \
    -print0 | xargs -0 ldd "$fs/opt/java/bin/java" 2>/dev/null \
    | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u
)"
# Plus glibc's compatibility stubs, which native code built for older glibc links against (Netty's
# epoll transport needs libdl and librt; without them it falls back to NIO without a word). The
# files and DNS NSS modules are built into libc since glibc 2.34.
for lib in libdl.so.2 libpthread.so.0 librt.so.1; do
  libs+=$'\n'"/lib/x86_64-linux-gnu/$lib"
done
mkdir -p "$fs/lib64" "$fs/lib/x86_64-linux-gnu"
packages=()
for lib in $libs; do
  case "$lib" in
    "$fs"/*) continue ;; # part of the runtime itself
    /lib64/ld-linux-x86-64.so.2) cp -L "$lib" "$fs/lib64/" ;;
    *) cp -L "$lib" "$fs/lib/x86_64-linux-gnu/" ;;
  esac
  packages+=("$(dpkg -S "$lib" "$(readlink -f "$lib")" 2>/dev/null | cut -d: -f1 | head -1 || true)")
done
# Licences of the Debian packages the libraries come from.
for package in $(printf '%s\n' "${packages[@]}" | grep -v '^$' | sort -u); do
  if [[ -f "/usr/share/doc/$package/copyright" ]]; then
    mkdir -p "$fs/usr/share/doc/$package"
    cp -L "/usr/share/doc/$package/copyright" "$fs/usr/share/doc/$package/"
  fi
done

# uid/gid 65532 "nonroot", as in distroless, so runAsNonRoot can verify the numeric user.
cat >"$fs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat >"$fs/etc/group" <<'EOF'
root:x:0:
nonroot:x:65532:
EOF
cat >"$fs/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
mkdir -p "$fs/home/nonroot"

# Jib sets every timestamp and owner itself; what must be stable here is the content.
rm -rf "$out" "$out.key"
mv "$fs" "$out"
echo "$key" >"$out.key"
echo "image-base: $(du -sh "$out" | cut -f1) in $out"
