#!/usr/bin/env bash
# What a line's change costs the operator before the API server, at trunks of 100, 1,000, 4,800
# and 10,000 lines: compiling the trunk and writing its whole snapshot as JSON (before decision
# 0027), against compiling it and writing only the shard the change touched (now).
# Usage: snapshot-compile.sh [lines ...]; MAVEN_OPTS=-XX:TieredStopAtLevel=1 measures C1 only, as
# the operator's image runs (decision 0025).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -Pbench -pl bench -am install -DskipTests -DskipImages
./mvnw -B -q -Pbench -pl bench exec:java -Dexec.mainClass=io.trunkline.bench.SnapshotCompileBench \
  -Dexec.args="${*:-100 1000 4800 10000}"
