#!/usr/bin/env bash
# Operator at scale: 1,000 SipLines across 10 SipTrunks on a real kube-apiserver; reports the time
# until every snapshot holds its lines and the operator's peak RSS.
# Usage: operator-scale.sh [trunks] [lines-per-trunk] [helm-releases]; helm-releases adds that many
# Secrets of 256 KiB as Helm keeps its releases, there before the operator starts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build-test-binaries.sh
./mvnw -B -q -Pbench -pl bench,operator -am install -DskipTests -DskipImages
./mvnw -B -q -Pbench -pl bench exec:java -Dexec.mainClass=io.trunkline.bench.OperatorScaleBench \
  -Dexec.args="${1:-10} ${2:-100} ${3:-0}" -Dtrunkline.repo.root="$PWD" -Dexec.cleanupDaemonThreads=false
