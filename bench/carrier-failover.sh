#!/usr/bin/env bash
# What a dead carrier costs: calls at a steady rate through sip-proxy (standalone) to two carriers
# by priority, A then B, both sipp; A's process is killed partway and started again later. Prints
# the INVITE-to-200 setup time of the calls placed in each second (median and maximum), so the
# seconds that pay for the death show, and which carrier took the calls after it.
#
# Usage: bench/carrier-failover.sh [--skip-build] [--rate CPS] [--seconds N] [--kill-at S]
#                                  [--restart-at S]
# Defaults: 10 calls/s for 60 s, A killed at 15 s and started again at 40 s. Environment:
# FAILOVER_BENCH_PORT_BASE (16060); FAILOVER_BENCH_CLASSPATH to measure another build's Standalone
# (a class path holding io.trunkline.sip.standalone.Standalone) instead of this tree's.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RATE=10
SECONDS_TOTAL=60
KILL_AT=15
RESTART_AT=40
BUILD=yes
PORT_BASE=${FAILOVER_BENCH_PORT_BASE:-16060}

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-64}"; }
while (($#)); do
  case $1 in
    --skip-build) BUILD=no ;;
    --rate) RATE=${2:?}; shift ;;
    --seconds) SECONDS_TOTAL=${2:?}; shift ;;
    --kill-at) KILL_AT=${2:?}; shift ;;
    --restart-at) RESTART_AT=${2:?}; shift ;;
    -h | --help) usage 0 ;;
    *) echo "unknown argument $1" >&2; usage ;;
  esac
  shift
done

PROXY_PORT=$PORT_BASE
OPS_PORT=$((PORT_BASE + 1))
UAC_PORT=$((PORT_BASE + 2))
CARRIER_PORT=$((PORT_BASE + 30))
CARRIER_A=127.0.0.10
CARRIER_B=127.0.0.11
SCENARIOS=$ROOT/bench/sip

bash "$ROOT/tools/debian-packages.sh" sip-tester || exit 69
for tool in sipp java ss setsid timeout awk; do
  command -v "$tool" >/dev/null || { echo "carrier-failover: $tool is not installed" >&2; exit 69; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/carrier-failover.XXXXXX")
# shellcheck source=lib/process-groups.sh
source "$ROOT/bench/lib/process-groups.sh"
cleanup() {
  stop_groups
  [[ -n ${FAILOVER_BENCH_KEEP:-} ]] && echo "carrier-failover: logs kept in $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" as start_group does, without a job notice when it is killed on purpose below.
start() {
  start_group "$@"
  disown "$STARTED"
}

wait_udp() {
  local address=$1 port=$2
  for _ in $(seq 1 150); do
    [[ -n $(ss -Huln "src $address and sport = :$port") ]] && return 0
    sleep 0.2
  done
  echo "carrier-failover: nothing listens on $address:$port" >&2
  exit 70
}

carrier() {
  # -aa: answers the proxy's OPTIONS probes.
  start "$WORK/carrier-$1.log" sipp -sf "$SCENARIOS/uas.xml" -i "$1" -p "$CARRIER_PORT" -t u1 \
    -nostdin -aa -trace_msg -message_file "$WORK/carrier-$1-messages.log"
  wait_udp "$1" "$CARRIER_PORT"
}

if [[ -n ${FAILOVER_BENCH_CLASSPATH:-} ]]; then
  CLASSPATH_USED=$FAILOVER_BENCH_CLASSPATH
else
  if [[ $BUILD == yes ]]; then
    echo "carrier-failover: building standalone (./mvnw install -DskipTests -DskipImages)"
    ./mvnw -B -q -ntp -pl standalone -am install -DskipTests -DskipImages >"$WORK/build.log" 2>&1 ||
      { tail -30 "$WORK/build.log" >&2; exit 70; }
  fi
  ./mvnw -B -q -ntp -pl standalone dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$WORK/classpath.txt" >>"$WORK/build.log" 2>&1 ||
    { tail -30 "$WORK/build.log" >&2; exit 70; }
  CLASSPATH_USED=$ROOT/standalone/target/classes:$(cat "$WORK/classpath.txt")
fi

mkdir -p "$WORK/trunk"
cp "$SCENARIOS/trunk/trunk.yaml" "$WORK/trunk/"
sed -i "s|    - name: uas\n.*||" "$WORK/trunk/trunk.yaml"
awk -v a="$CARRIER_A:$CARRIER_PORT" -v b="$CARRIER_B:$CARRIER_PORT" '
  /^    - name: uas/ { print "    - {name: a, address: \"" a "\", transport: UDP}";
                       print "    - {name: b, address: \"" b "\", transport: UDP}"; skip = 2; next }
  skip > 0 { skip--; next }
  { print }' "$SCENARIOS/trunk/trunk.yaml" >"$WORK/trunk/trunk.yaml"
cat >"$WORK/trunk/routes.yaml" <<YAML
apiVersion: trunkline.io/v1alpha1
kind: RoutePolicy
metadata:
  name: bench-failover
spec:
  trunks: [bench]
  rules:
    - name: everything
      match: {prefixes: ["+"]}
      route: [{carrier: a, priority: 1}, {carrier: b, priority: 2}]
YAML

echo "carrier-failover: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $RATE calls/s for $SECONDS_TOTAL s; carrier A ($CARRIER_A) killed at $KILL_AT s, started again at $RESTART_AT s; B is $CARRIER_B; the trunk's failover settings are the defaults"
carrier "$CARRIER_A"
PID_A=$STARTED
carrier "$CARRIER_B"
start "$WORK/proxy.log" java -Xms256m -Xmx256m -cp "$CLASSPATH_USED" \
  io.trunkline.sip.standalone.Standalone "$WORK/trunk" --bind "127.0.0.1:$PROXY_PORT" \
  --ops "127.0.0.1:$OPS_PORT"
wait_udp 127.0.0.1 "$PROXY_PORT"
sleep 2 # the first probe round

mkdir -p "$WORK/uac"
CALLS=$((RATE * SECONDS_TOTAL))
T0=$(date +%s.%N)
( cd "$WORK/uac" && timeout $((SECONDS_TOTAL + 60)) sipp "127.0.0.1:$PROXY_PORT" -sf "$SCENARIOS/uac.xml" \
    -i 127.0.0.1 -p "$UAC_PORT" -t u1 -r "$RATE" -m "$CALLS" -s +4930123456 -nostdin \
    -trace_rtt -rtt_freq 1 -trace_err >"$WORK/uac.log" 2>&1 || true ) &
UAC=$!
sleep "$KILL_AT"
kill -KILL -- "-$PID_A"
echo "carrier-failover: carrier A killed at $(awk -v t0="$T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - t0 }') s"
sleep $((RESTART_AT - KILL_AT))
carrier "$CARRIER_A"
echo "carrier-failover: carrier A started again at $(awk -v t0="$T0" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - t0 }') s"
wait "$UAC" || true
sleep 1

RTT=$(ls "$WORK"/uac/*_rtt.csv 2>/dev/null | head -1 || true)
[[ -n $RTT ]] || { echo "carrier-failover: sipp wrote no response times" >&2; cat "$WORK/uac.log" >&2; exit 70; }
echo "second  calls  setup p50 ms  setup max ms"
# rtt.csv: ms since sipp started;response time ms;rtd number. A call counts in the second its
# INVITE went (the 200's time less the setup time).
awk -F';' 'NR > 1 && $3 == 1 {
    s = int(($1 - $2) / 1000); n[s]++; v[s, n[s]] = $2; if ($2 > mx[s]) mx[s] = $2
  }
  END {
    for (s = 0; s < 1000; s++) {
      if (!(s in n)) continue
      m = n[s]; for (i = 1; i <= m; i++) a[i] = v[s, i]
      for (i = 2; i <= m; i++) { x = a[i]; j = i - 1; while (j > 0 && a[j] > x) { a[j + 1] = a[j]; j-- } a[j + 1] = x }
      printf "%6d  %5d  %12d  %12d\n", s, m, a[int((m + 1) / 2)], mx[s]
    }
  }' "$RTT"
echo "carrier-failover: INVITEs at A $(grep -c '^INVITE' "$WORK/carrier-$CARRIER_A-messages.log" 2>/dev/null || echo 0) (last life), at B $(grep -c '^INVITE' "$WORK/carrier-$CARRIER_B-messages.log" 2>/dev/null || echo 0); sipp: $(grep -E 'Successful call|Failed call' "$WORK/uac.log" | tr -s ' ' | tail -2 | tr '\n' ' ')"
curl -s "127.0.0.1:$OPS_PORT/q/metrics" 2>/dev/null | grep '^trunkline_carrier' || true
