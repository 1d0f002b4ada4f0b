#!/usr/bin/env bash
# RTP packets per second relayed with under 0.1% loss through Trunkline's media-relay and through
# rtpengine (userspace forwarding), the same G.711 calls from the same generator, in one run. Each
# call is two RTP streams of 50 packets/s (172-byte packets); concurrent calls are ramped (doubled,
# then bisected) and the highest step with under 0.1% lost is reported. A first ramp with no relay
# (phone to phone) gives the generator's own ceiling.
#
# Usage: bench/media-pps.sh [--skip-build] [--step-seconds N] [--start-calls N] [--max-calls N]
#                           [--fixed-calls N,N,...] [--only baseline,rtpengine,trunkline]
# --fixed-calls measures exactly those numbers of concurrent calls, for CPU per packet at fixed
# rates below the generator's ceiling, instead of ramping.
# The same settings as environment variables: MEDIA_BENCH_STEP_SECONDS (10), MEDIA_BENCH_START_CALLS
# (50), MEDIA_BENCH_MAX_CALLS (6400), MEDIA_BENCH_FIXED_CALLS, MEDIA_BENCH_ONLY; further
# MEDIA_BENCH_REFINE (bisections after the first failure, 2), MEDIA_BENCH_PORT_BASE (22220),
# MEDIA_BENCH_THREADS (generator event loops, 2), MEDIA_BENCH_RELAY_JAVA_OPTS (the relay image's
# flags at a pod's 512Mi limit: -XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+UseSerialGC),
# MEDIA_BENCH_RTPENGINE_THREADS (2); MEDIA_BENCH_RELAY_CLASSPATH to measure another build's relay.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

STEP_SECONDS=${MEDIA_BENCH_STEP_SECONDS:-10}
START_CALLS=${MEDIA_BENCH_START_CALLS:-50}
MAX_CALLS=${MEDIA_BENCH_MAX_CALLS:-6400}
REFINE=${MEDIA_BENCH_REFINE:-2}
FIXED_CALLS=${MEDIA_BENCH_FIXED_CALLS:-}
ONLY=${MEDIA_BENCH_ONLY:-baseline,rtpengine,trunkline}
PORT_BASE=${MEDIA_BENCH_PORT_BASE:-22220}
THREADS=${MEDIA_BENCH_THREADS:-2}
# The flags of media-relay/pom.xml's image, with MaxRAM standing for the pod's memory limit and
# the collector the JVM picks itself in that limit on 2 cores (decision 0036).
RELAY_JAVA_OPTS=${MEDIA_BENCH_RELAY_JAVA_OPTS:--XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+UseSerialGC}
RTPENGINE_THREADS=${MEDIA_BENCH_RTPENGINE_THREADS:-2}
BUILD=yes

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-64}"; }
while (($#)); do
  case $1 in
    --skip-build) BUILD=no ;;
    --step-seconds) STEP_SECONDS=${2:?}; shift ;;
    --start-calls) START_CALLS=${2:?}; shift ;;
    --max-calls) MAX_CALLS=${2:?}; shift ;;
    --fixed-calls) FIXED_CALLS=${2:?}; shift ;;
    --only) ONLY=${2:?}; shift ;;
    -h | --help) usage 0 ;;
    *) echo "unknown argument $1" >&2; usage ;;
  esac
  shift
done

RELAY_CONTROL_PORT=$PORT_BASE
RELAY_OPS_PORT=$((PORT_BASE + 1))
RTPENGINE_NG_PORT=$((PORT_BASE + 10))
# Media ports on 127.0.0.1, four per call (RTP and RTCP of two legs), a range for each relay; the
# phones bind ephemeral ports of 127.0.0.2 (callers) and 127.0.0.3 (callees).
RELAY_PORTS=12000-37999
RTPENGINE_PORT_MIN=38000
RTPENGINE_PORT_MAX=63999
BASELINE_MAX_CALLS=25600
WARMUP_SECONDS=2
SETTLE_SECONDS=2

wants() { [[ ,$ONLY, == *,$1,* ]]; }

for tool in java ss setsid timeout; do
  command -v "$tool" >/dev/null || { echo "media-pps: $tool is not installed" >&2; exit 69; }
done
if wants rtpengine; then
  bash "$ROOT/tools/debian-packages.sh" rtpengine-daemon || exit 69
fi
if wants rtpengine && ! command -v rtpengine >/dev/null; then
  echo "media-pps: rtpengine is not installed (Debian: apt-get install rtpengine-daemon)" >&2
  exit 69
fi
for port in "$RELAY_CONTROL_PORT" "$RELAY_OPS_PORT" "$RTPENGINE_NG_PORT"; do
  if [[ -n $(ss -Hluntp "sport = :$port") ]]; then
    echo "media-pps: port $port is taken; choose others with MEDIA_BENCH_PORT_BASE" >&2
    exit 75
  fi
done
# A relay holds four sockets per call: 6,400 calls need more descriptors than the usual 1,024
# or 20,000 (raising the hard limit needs root; failing that, the soft limit goes to the hard one).
ulimit -Hn 65536 2>/dev/null || true
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

WORK=$(mktemp -d "${TMPDIR:-/tmp}/media-pps.XXXXXX")
# shellcheck source=lib/process-groups.sh
source "$ROOT/bench/lib/process-groups.sh"

cleanup() {
  stop_groups
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_udp() {
  local port=$1 pid=$2
  for _ in $(seq 1 150); do
    [[ -n $(ss -Huln "sport = :$port") ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

echo "media-pps: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg);" \
  "$(rtpengine --version 2>&1 | grep -o 'Version: [^ ]*' | sed 's/Version: /rtpengine /' || true)," \
  "$(java -version 2>&1 | head -1)"

# --- build, before anything starts ---
# The README's first command builds media-relay but not the bench profile's generator: without
# its classes, --skip-build has no last build to reuse, so it is built.
if [[ $BUILD == no && ! -d $ROOT/bench/target/classes/io ]]; then
  echo "media-pps: no generator built yet; building it once despite --skip-build"
  BUILD=yes
fi
if [[ $BUILD == yes ]]; then
  echo "media-pps: building media-relay and the generator (./mvnw; --skip-build to reuse the last build)"
  if ! { ./mvnw -B -q -ntp install -DskipTests -DskipImages -pl media-relay -am &&
    ./mvnw -B -q -ntp -Pbench -pl bench package -DskipTests -DskipImages; } >"$WORK/build.log" 2>&1; then
    tail -30 "$WORK/build.log" >&2
    exit 70
  fi
fi
if ! { ./mvnw -B -q -ntp -pl media-relay dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$WORK/relay.classpath" &&
  ./mvnw -B -q -ntp -Pbench -pl bench dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$WORK/bench.classpath"; } >>"$WORK/build.log" 2>&1; then
  tail -30 "$WORK/build.log" >&2
  exit 70
fi
RELAY_CP=${MEDIA_BENCH_RELAY_CLASSPATH:-$ROOT/media-relay/target/classes:$(cat "$WORK/relay.classpath")}
BENCH_CP=$ROOT/bench/target/classes:$(cat "$WORK/bench.classpath")

TARGETS=()
RELAY_PID=0
RTPENGINE_PID=0
wants baseline && TARGETS+=(baseline)

# --- rtpengine: userspace forwarding (--table=-1: no kernel module), no config file, no Redis ---
if wants rtpengine; then
  start_group "$WORK/rtpengine.log" rtpengine --config-file=none --table=-1 --foreground \
    --log-stderr --log-level=5 --interface=127.0.0.1 --listen-ng="127.0.0.1:$RTPENGINE_NG_PORT" \
    --port-min="$RTPENGINE_PORT_MIN" --port-max="$RTPENGINE_PORT_MAX" --delete-delay=0 \
    --num-threads="$RTPENGINE_THREADS"
  RTPENGINE_PID=$STARTED
  if wait_udp "$RTPENGINE_NG_PORT" "$RTPENGINE_PID"; then
    echo "media-pps: rtpengine ($RTPENGINE_THREADS threads, userspace) ng on 127.0.0.1:$RTPENGINE_NG_PORT," \
      "media ports $RTPENGINE_PORT_MIN-$RTPENGINE_PORT_MAX"
    TARGETS+=(rtpengine)
  else
    tail -20 "$WORK/rtpengine.log" >&2
    echo "media-pps: rtpengine did not start (log above); measuring without it" >&2
  fi
fi

# --- Trunkline media-relay as its own JVM, as in a relay pod ---
# Its control key, as the operator's Secret would hold it; the generator signs with it too.
TRUNKLINE_RELAY_CONTROL_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export TRUNKLINE_RELAY_CONTROL_KEY
if wants trunkline; then
  # shellcheck disable=SC2086 # RELAY_JAVA_OPTS is a list of options
  start_group "$WORK/media-relay.log" java $RELAY_JAVA_OPTS -cp "$RELAY_CP" io.trunkline.relay.RelayMain \
    --control "127.0.0.1:$RELAY_CONTROL_PORT" --media-bind 127.0.0.1 --ports "$RELAY_PORTS" \
    --max-sessions 100000 --ops "127.0.0.1:$RELAY_OPS_PORT"
  RELAY_PID=$STARTED
  if wait_udp "$RELAY_CONTROL_PORT" "$RELAY_PID"; then
    echo "media-pps: media-relay (java $RELAY_JAVA_OPTS) control on 127.0.0.1:$RELAY_CONTROL_PORT, media ports $RELAY_PORTS"
    if [[ -n ${MEDIA_BENCH_RELAY_CLASSPATH:-} ]]; then
      echo "media-pps: media-relay from MEDIA_BENCH_RELAY_CLASSPATH"
    fi
    TARGETS+=(trunkline)
  else
    tail -20 "$WORK/media-relay.log" >&2
    echo "media-pps: media-relay did not start (log above); measuring without it" >&2
  fi
fi

((${#TARGETS[@]} > 0)) || { echo "media-pps: nothing to measure" >&2; exit 70; }
TARGET_LIST=$(IFS=,; echo "${TARGETS[*]}")

# The generator stands for the network: it must hold the asked rate, so it runs at a higher
# priority than the relays (same for both), which get the CPU that remains. Every step is bounded;
# the whole run too: steps of at most (warm-up + step + setup and settling) seconds, three ramps of
# at most 30 steps each (with repeats).
BOUND=$(((WARMUP_SECONDS + STEP_SECONDS + 60) * 90))
set +e
timeout -k 10 "$BOUND" nice -n -10 java -Xms1g -Xmx1g -XX:+UseParallelGC -cp "$BENCH_CP" \
  io.trunkline.bench.media.MediaPpsBench --targets "$TARGET_LIST" --threads "$THREADS" \
  --relay-control "127.0.0.1:$RELAY_CONTROL_PORT" --relay-pid "$RELAY_PID" \
  --rtpengine-control "127.0.0.1:$RTPENGINE_NG_PORT" --rtpengine-pid "$RTPENGINE_PID" \
  --caller-host 127.0.0.2 --callee-host 127.0.0.3 --step-seconds "$STEP_SECONDS" \
  --warmup-seconds "$WARMUP_SECONDS" --settle-seconds "$SETTLE_SECONDS" --start-calls "$START_CALLS" \
  --max-calls "$MAX_CALLS" --baseline-max-calls "$BASELINE_MAX_CALLS" --refine "$REFINE" \
  --fixed-calls "$FIXED_CALLS"
rc=$?
set -e
((rc == 124)) && echo "media-pps: stopped after $BOUND s" >&2
for relay in rtpengine media-relay; do
  if [[ -s $WORK/$relay.log ]] && grep -qiE 'exception|error|crit' "$WORK/$relay.log"; then
    echo "media-pps: $relay logged errors:" >&2
    grep -iE 'exception|error|crit' "$WORK/$relay.log" | sort | uniq -c | sort -rn | head -5 >&2
  fi
done
echo "Load average now $(cut -d' ' -f1-3 /proc/loadavg): other work on the machine makes these figures noisy."
exit "$rc"
