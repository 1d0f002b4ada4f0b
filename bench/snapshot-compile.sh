#!/usr/bin/env bash
# What a line's change costs the operator before the API server: compiling its trunk's snapshot
# and credentials and writing their JSON, at trunks of 100, 1,000 and 4,800 lines (decision 0006).
# Usage: snapshot-compile.sh [lines ...]; MAVEN_OPTS=-XX:TieredStopAtLevel=1 measures C1 only, as
# the operator's image runs (decision 0025).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -Pbench -pl bench -am install -DskipTests -DskipImages
./mvnw -B -q -Pbench -pl bench exec:java -Dexec.mainClass=io.trunkline.bench.SnapshotCompileBench \
  -Dexec.args="${*:-100 1000 4800}"
