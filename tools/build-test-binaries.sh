#!/usr/bin/env bash
# Builds the upstream binaries the tests run against, from the Go module proxy, into the
# cache layout of fabric8 kube-api-test:
#
#   $KUBE_API_TEST_DIR/k8s/<version>-linux-amd64/{kube-apiserver,etcd,kubectl,helm}
#
# Idempotent: when the pinned binaries are present and answer with the pinned versions it
# does nothing. The Maven build calls it before tests (see the root pom), so `./mvnw verify`
# on a fresh machine needs only Go on the PATH. See docs/decisions/0002-real-api-server-for-tests.md.
set -euo pipefail

K8S_VERSION=1.34.4
ETCD_VERSION=3.6.16
HELM_VERSION=3.21.4

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
os="$(go env GOOS 2>/dev/null || uname -s | tr '[:upper:]' '[:lower:]')"
arch="$(go env GOARCH 2>/dev/null || echo amd64)"
dir="$cache/k8s/${K8S_VERSION}-${os}-${arch}"

log() { echo "[test-binaries] $*"; }

# Compares a binary's version text whole, without pipes: `grep -q` on a pipe may close it early,
# SIGPIPE the writer and, under pipefail, turn a match into a failure.
reports() { # binary-and-args... -- expected-substring
  local args=() out
  while [[ $1 != -- ]]; do args+=("$1"); shift; done
  out="$("${args[@]}" 2>/dev/null)" || return 1
  [[ $out == *"$2"* ]]
}

have_pinned() {
  [[ -x "$dir/kube-apiserver" && -x "$dir/kubectl" && -x "$dir/etcd" && -x "$dir/helm" ]] || return 1
  reports "$dir/kube-apiserver" --version -- "Kubernetes v${K8S_VERSION}" || return 1
  reports "$dir/kubectl" version --client -- "Client Version: v${K8S_VERSION}" || return 1
  reports "$dir/etcd" --version -- "etcd Version: ${ETCD_VERSION}" || return 1
  reports "$dir/helm" version --short -- "v${HELM_VERSION}" || return 1
}

first_line() { local out; out="$("$@" 2>&1)" || true; echo "${out%%$'\n'*}"; }

if have_pinned; then
  log "up to date in $dir (kube-apiserver/kubectl v$K8S_VERSION, etcd v$ETCD_VERSION, helm v$HELM_VERSION)"
  exit 0
fi

if ! command -v go >/dev/null; then
  log "Go is needed once to build kube-apiserver, etcd, kubectl and helm; install it (e.g. apt-get install golang) and rerun" >&2
  exit 1
fi

mkdir -p "$dir"
start=$SECONDS
# Unversioned builds report v0.0.0 and trip the API server's version checks, hence ldflags.
k8s_ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  k8s_ldflags+=" -X $pkg.gitVersion=v${K8S_VERSION} -X $pkg.gitMajor=${K8S_VERSION%%.*}"
  minor="${K8S_VERSION#*.}"
  k8s_ldflags+=" -X $pkg.gitMinor=${minor%%.*} -X $pkg.gitTreeState=clean"
done

log "building kube-apiserver and kubectl v$K8S_VERSION (takes several minutes on a cold cache)"
(cd "$here/test-binaries/kubernetes" &&
  go build -trimpath -buildvcs=false -ldflags "$k8s_ldflags" -o "$dir/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl)

log "building etcd v$ETCD_VERSION"
if ! (cd "$here/test-binaries/etcd" &&
  go build -trimpath -buildvcs=false -ldflags "-s -w" -o "$dir/etcd" go.etcd.io/etcd/server/v3); then
  # Fallback recorded in docs/decisions/0002: Debian's etcd server speaks the same API.
  log "etcd build failed; falling back to Debian's etcd-server package" >&2
  command -v etcd >/dev/null || apt-get install -y etcd-server
  ln -sf "$(command -v etcd)" "$dir/etcd"
fi

log "building helm v$HELM_VERSION"
helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v${HELM_VERSION} -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
GOBIN="$dir" go install -trimpath -ldflags "$helm_ldflags" "helm.sh/helm/v3/cmd/helm@v${HELM_VERSION}"

if ! have_pinned; then
  log "built binaries do not report the pinned versions:" >&2
  first_line "$dir/kube-apiserver" --version >&2
  first_line "$dir/etcd" --version >&2
  first_line "$dir/helm" version --short >&2
  exit 1
fi
log "built in $((SECONDS - start)) s into $dir:"
first_line "$dir/kube-apiserver" --version
first_line "$dir/kubectl" version --client
first_line "$dir/etcd" --version
first_line "$dir/helm" version --short
