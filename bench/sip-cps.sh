#!/usr/bin/env bash
# SIP calls per second through sip-proxy and through Kamailio, the same sipp call (INVITE, 100/180,
# 200, ACK, 0-1 s hold, BYE) on loopback, in one run. For each: a stepwise ramp of call rates, the
# highest rate with under 0.1% failed calls, and the INVITE-to-200 setup time at that rate. A
# first ramp without any proxy gives sipp's own ceiling. Two more targets measure what a pool's
# shared state costs: "store" is one sip-proxy counting its quotas in a real redis-server, "pool"
# three sip-proxies (127.0.0.21-23) sharing one, the load sent to the first, which hands two
# thirds of the calls to their owners (as one PBX's flow reaches one pod behind a Service).
#
# Each Trunkline ramp also steps at Kamailio's highest passing rate where its doubling passes it,
# on the JVM the ramp warmed and after two steps' length there uncounted; a target whose ramp
# failed below it runs that step at the end on a fresh JVM. So setup time and CPU per call compare
# at one rate both were asked to carry.
#
# Usage: bench/sip-cps.sh [--skip-build] [--step-seconds N] [--start-cps N] [--max-cps N]
#                         [--only baseline,kamailio,trunkline,store,pool]
# The same settings as environment variables: SIP_BENCH_STEP_SECONDS (10), SIP_BENCH_START_CPS
# (100), SIP_BENCH_MAX_CPS (25600), SIP_BENCH_ONLY; further SIP_BENCH_RESOLUTION (bisect after the
# first failure until the failing rate is within this percentage of the passing one, 5),
# SIP_BENCH_PORT_BASE (15060), SIP_BENCH_KAMAILIO_CHILDREN (4), SIP_BENCH_JAVA_OPTS (the proxy
# image's collector and heap at a pod's 512Mi limit: -XX:MaxRAM=512m -XX:MaxRAMPercentage=60
# -XX:+UseG1GC), SIP_BENCH_UAS_ADDRESS (127.0.0.2), SIP_BENCH_KEEP (non-empty: keep the per-step
# sipp logs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

STEP_SECONDS=${SIP_BENCH_STEP_SECONDS:-10}
START_CPS=${SIP_BENCH_START_CPS:-100}
MAX_CPS=${SIP_BENCH_MAX_CPS:-25600}
RESOLUTION=${SIP_BENCH_RESOLUTION:-5}
ONLY=${SIP_BENCH_ONLY:-baseline,kamailio,trunkline}
PORT_BASE=${SIP_BENCH_PORT_BASE:-15060}
KAMAILIO_CHILDREN=${SIP_BENCH_KAMAILIO_CHILDREN:-4}
# The flags of sip-proxy/pom.xml's image, with MaxRAM standing for the pod's memory limit.
JAVA_OPTS=${SIP_BENCH_JAVA_OPTS:--XX:MaxRAM=512m -XX:MaxRAMPercentage=60 -XX:+UseG1GC}
BUILD=yes

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-64}"; }
while (($#)); do
  case $1 in
    --skip-build) BUILD=no ;;
    --step-seconds) STEP_SECONDS=${2:?}; shift ;;
    --start-cps) START_CPS=${2:?}; shift ;;
    --max-cps) MAX_CPS=${2:?}; shift ;;
    --only) ONLY=${2:?}; shift ;;
    -h | --help) usage 0 ;;
    *) echo "unknown argument $1" >&2; usage ;;
  esac
  shift
done

UAC_PORT=$((PORT_BASE + 1))
KAMAILIO_PORT=$((PORT_BASE + 10))
TRUNKLINE_PORT=$((PORT_BASE + 20))
TRUNKLINE_OPS_PORT=$((PORT_BASE + 21))   # its metrics and health endpoint, where it has one
UAS_PORT=$((PORT_BASE + 30))
STORE_PORT=$((PORT_BASE + 40))          # the pool's redis-server, on 127.0.0.30
POOL_ADDRS=(127.0.0.21 127.0.0.22 127.0.0.23)
# The carrier (sipp UAS) has an address of its own: sip-proxy tells a carrier's calls from the
# PBX's by source address, so the two cannot share 127.0.0.1. Loopback answers on all of 127/8.
UAS_ADDR=${SIP_BENCH_UAS_ADDRESS:-127.0.0.2}
NUMBER=+4930123456            # the trunk's RoutePolicy sends every "+" number to the UAS
PASS_PER_MILLE=1              # a step passes with failed calls under 1 in 1,000 ...
MIN_ACHIEVED_PERCENT=95       # ... and calls placed at 95% or more of the asked rate
SETTLE_SECONDS=2              # between steps: the last calls' retransmissions die down
SCENARIOS=$ROOT/bench/sip

packages=(sip-tester kamailio)
if [[ ,$ONLY, == *,store,* || ,$ONLY, == *,pool,* ]]; then
  packages+=(redis-server)
fi
bash "$ROOT/tools/debian-packages.sh" "${packages[@]}" || exit 69
for tool in sipp kamailio java ss setsid timeout; do
  command -v "$tool" >/dev/null || { echo "sip-cps: $tool is not installed" >&2; exit 69; }
done
for port in "$UAC_PORT" "$KAMAILIO_PORT" "$TRUNKLINE_PORT" "$TRUNKLINE_OPS_PORT" "$UAS_PORT"; do
  if [[ -n $(ss -Hulnt "sport = :$port") ]]; then
    echo "sip-cps: port $port is taken; choose other ports with SIP_BENCH_PORT_BASE" >&2
    exit 75
  fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sip-cps.XXXXXX")
# shellcheck source=lib/process-groups.sh
source "$ROOT/bench/lib/process-groups.sh"

cleanup() {
  stop_groups
  if [[ -n ${SIP_BENCH_KEEP:-} ]]; then
    echo "sip-cps: logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until something listens on UDP PORT (on ADDRESS, or any address when it is empty) while
# PID lives.
wait_udp_at() {
  local address=$1 port=$2 pid=$3 filter
  filter=${address:+"src $address:$port"}
  filter=${filter:-"sport = :$port"}
  for _ in $(seq 1 150); do
    [[ -n $(ss -Huln "$filter") ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

wait_udp() { wait_udp_at "" "$1" "$2"; }

# CPU time (clock ticks, user + system) of every process in a process group.
group_ticks() {
  local pgid=$1 pid total=0 fields
  for pid in $(pgrep -g "$pgid" 2>/dev/null); do
    fields=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    set -- $fields
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

# --- results of the last step (run_step sets these) ---
STEP_PASS=no; STEP_OK=0; STEP_FAILED=0; STEP_ACHIEVED=0; STEP_P50=-; STEP_P95=-; STEP_P99=-
STEP_CPU=-
STEP_REASON=""

# One step: sipp UAS (fresh), sipp UAC at RATE for SECONDS towards TARGET (address:port).
run_step() {
  local name=$1 rate=$2 seconds=$3 target=$4 proxy_pgid=$5
  local dir=$WORK/$name/$rate-$RANDOM calls=$((rate * seconds))
  mkdir -p "$dir"
  # -aa: the carrier answers sip-proxy's OPTIONS probes 200, or it would be marked down.
  start_group "$dir/uas.log" sipp -sf "$SCENARIOS/uas.xml" -i "$UAS_ADDR" -p "$UAS_PORT" -t u1 \
    -nostdin -buff_size 4194304 -aa
  local uas=$STARTED
  if ! wait_udp "$UAS_PORT" "$uas"; then
    echo "sip-cps: the sipp UAS did not start:" >&2
    cat "$dir/uas.log" >&2
    exit 70
  fi

  local proxy_before=0 uas_before
  [[ $proxy_pgid != - ]] && proxy_before=$(group_ticks "$proxy_pgid")
  uas_before=$(group_ticks "$uas")
  local started_ns=$EPOCHREALTIME
  # -l: at most 5 s worth of calls open; a proxy that falls behind then lowers the placed rate
  # (caught by the achieved-rate check) instead of piling up calls. Every wait is bounded:
  # 8 s per expected message, the whole step by sipp's -timeout (twice the step and 10 s: calls
  # not placed by then count as failed) and, failing that, timeout(1).
  # In its own session like everything else, and waited for with `wait`, which a signal
  # interrupts: the trap then stops it instead of waiting for the step to end.
  start_group "$dir/uac.out" bash -c 'cd "$1" && shift && TIMEFORMAT="%U %S" &&
    { time "$@" >uac.log 2>&1; } 2>uac.cpu' uac "$dir" \
    timeout --foreground -k 5 $((seconds * 2 + 25)) sipp "$target" -sf "$SCENARIOS/uac.xml" \
    -s "$NUMBER" -i 127.0.0.1 -p "$UAC_PORT" -t u1 -nostdin -buff_size 4194304 \
    -r "$rate" -m "$calls" -l $((rate * 5)) -recv_timeout 8000 -timeout $((seconds * 2 + 10))s \
    -trace_stat -fd 1 -stf stat.csv -trace_rtt -rtt_freq 1 -trace_err
  local uac=$STARTED rc=0
  wait "$uac" || rc=$?
  stop_group "$uac"
  local wall
  wall=$(awk -v a="$started_ns" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
  local proxy_after=0 uas_after
  [[ $proxy_pgid != - ]] && proxy_after=$(group_ticks "$proxy_pgid")
  uas_after=$(group_ticks "$uas")
  stop_group "$uas"

  # Successful calls from sipp's cumulative counters; anything not successful counts as failed,
  # including calls sipp never placed.
  STEP_OK=0
  if [[ -s $dir/stat.csv ]]; then
    STEP_OK=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "SuccessfulCall(C)") c = i }
      NR > 1 && c { v = $c } END { print v + 0 }' "$dir/stat.csv")
  fi
  STEP_FAILED=$((calls - STEP_OK))
  local rtt
  rtt=$(ls "$dir"/uac_*_rtt.csv 2>/dev/null | head -1 || true)
  if [[ -n $rtt && $(wc -l <"$rtt") -gt 2 ]]; then
    # Placed rate from the spread of the 200 OKs; percentiles nearest-rank over every call.
    STEP_ACHIEVED=$(awk -F';' 'NR > 1 && $3 == 1 { if (n == 0 || $1 < lo) lo = $1; if (n == 0 || $1 > hi) hi = $1; n++ }
      END { printf "%.1f", (hi > lo) ? (n - 1) * 1000 / (hi - lo) : 0 }' "$rtt")
    read -r STEP_P50 STEP_P95 STEP_P99 < <(awk -F';' 'NR > 1 && $3 == 1 { print $2 }' "$rtt" | sort -n |
      awk '{ v[++n] = $1 }
        END { split("50 95 99", p, " ")
          for (k = 1; k <= 3; k++) { r = int(p[k] * n / 100); if (r * 100 < p[k] * n) r++; if (r < 1) r = 1
            printf "%.0f ", v[r] }
          print "" }')
  else
    STEP_ACHIEVED=0; STEP_P50=-; STEP_P95=-; STEP_P99=-
  fi

  # Why calls failed: sipp's failure counters, and the answer most often unexpected.
  STEP_REASON=""
  if ((STEP_FAILED > 0)); then
    if [[ -s $dir/stat.csv ]]; then
      STEP_REASON=$(awk -F';' -v calls="$calls" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        { last = $0 }
        END {
          split(last, v, ";")
          n = split("OutgoingCall(C)=placed FailedUnexpectedMessage(C)=unexpected FailedTimeoutOnRecv(C)=recv-timeout FailedMaxUDPRetrans(C)=udp-retrans-exhausted FailedCallRejected(C)=rejected FailedCannotSendMessage(C)=send-failed FailedOutboundCongestion(C)=congestion", m, " ")
          out = ""
          for (k = 1; k <= n; k++) {
            split(m[k], kv, "=")
            x = (kv[1] in col) ? v[col[kv[1]]] + 0 : 0
            if (kv[2] == "placed") { if (x < calls) out = out ", not placed " (calls - x); continue }
            if (x > 0) out = out ", " kv[2] " " x
          }
          print substr(out, 3)
        }' "$dir/stat.csv")
    fi
    local errors top
    errors=$(ls "$dir"/uac_*_errors.log 2>/dev/null | head -1 || true)
    if [[ -n $errors ]]; then
      top=$(grep -a "Aborting call on unexpected message" "$errors" | head -20000 |
        grep -ao "received 'SIP/2.0 [0-9][0-9][0-9][^']\{0,40\}" | sed "s/received 'SIP\/2.0 //; s/\r\?$//" |
        sort | uniq -c | sort -rn | head -1 | awk '{ c = $1; $1 = ""; sub(/^ /, ""); print $0 " x" c }' || true)
      [[ -n $top ]] && STEP_REASON="$STEP_REASON; most often unexpected: $top"
    fi
    # sipp exits 0 or 1 after its calls; anything else (fatal error, timeout's 124) is news.
    if ((rc > 1)); then
      STEP_REASON="sipp exit $rc${STEP_REASON:+; $STEP_REASON}"
    fi
  fi

  local uac_cpu uas_cpu proxy_cpu
  uac_cpu=$(awk -v w="$wall" '{ printf "%.2f", ($1 + $2) / w }' "$dir/uac.cpu" 2>/dev/null || echo "?")
  uas_cpu=$(awk -v a="$uas_before" -v b="$uas_after" -v w="$wall" 'BEGIN { printf "%.2f", (b - a) / 100 / w }')
  proxy_cpu=-
  [[ $proxy_pgid != - ]] &&
    proxy_cpu=$(awk -v a="$proxy_before" -v b="$proxy_after" -v w="$wall" 'BEGIN { printf "%.2f", (b - a) / 100 / w }')

  STEP_CPU=$proxy_cpu
  if ((STEP_FAILED == 0)) &&
    awk -v a="$STEP_ACHIEVED" -v r="$rate" -v m="$MIN_ACHIEVED_PERCENT" 'BEGIN { exit !(a * 100 < r * m) }'; then
    STEP_REASON="placed only $STEP_ACHIEVED/s"
  fi
  STEP_PASS=no
  if ((STEP_FAILED * 1000 < calls * PASS_PER_MILLE)) &&
    awk -v a="$STEP_ACHIEVED" -v r="$rate" -v m="$MIN_ACHIEVED_PERCENT" 'BEGIN { exit !(a * 100 >= r * m) }'; then
    STEP_PASS=yes
  fi
  printf '  %-9s %6d cps %7d calls  failed %6d (%6.3f%%)  placed %8.1f/s  setup p50/p95/p99 %s/%s/%s ms  cpu uac %s uas %s proxy %s  %s%s\n' \
    "$name" "$rate" "$calls" "$STEP_FAILED" "$(awk -v f="$STEP_FAILED" -v c="$calls" 'BEGIN { print 100 * f / c }')" \
    "$STEP_ACHIEVED" "$STEP_P50" "$STEP_P95" "$STEP_P99" "$uac_cpu" "$uas_cpu" "$proxy_cpu" \
    "$([[ $STEP_PASS == yes ]] && echo pass || echo FAIL)" "${STEP_REASON:+ ($STEP_REASON)}"
}

# A step of NAME at RATE for SECONDS that is not counted, then the settling pause.
warm_up() {
  run_step "$1" "$2" "$3" "$PROXY_AT" "$PROXY_PID" >/dev/null
  sleep "$SETTLE_SECONDS"
}

# --- results per target ---
declare -A BEST BEST_P50 BEST_P95 BEST_P99 NOTE
# Every counted step, by "target rate": "pass|FAIL p50 p95 p99 proxy-cores".
declare -A MEASURED
PEER_RATE=0 # Kamailio's highest passing rate once its ramp has run; each Trunkline ramp steps there
record_step() { MEASURED["$1 $2"]="$([[ $STEP_PASS == yes ]] && echo pass || echo FAIL) $STEP_P50 $STEP_P95 $STEP_P99 $STEP_CPU"; }

# Ramp: START_CPS doubled while steps pass (up to MAX_CPS), then bisections between the last
# passing and the first failing rate until the two are within RESOLUTION percent: a ceiling read
# off the doubling grid alone could be up to a fourth too low, and one target's more than
# another's. START_FN starts the proxy (setting PROXY_PID, its
# process group, and PROXY_AT) or returns non-zero with NOTE set; a failed step leaves the proxy
# full of transactions whose retransmissions would reach the next step's UAS, so the proxy is
# restarted after each failure and warmed up again at the last passing rate for a step's length:
# a restarted JVM runs its first tens of thousands of calls in the interpreter and C1 while C2
# compiles, and a bisection step measured then would measure a cold start, not the ceiling.
# Kamailio gets the same warm-up. "-" means no proxy: sipp's own ceiling.
ramp() {
  local name=$1 start_fn=$2
  local best=0 rate=$START_CPS failed_at=0 failed_reason="" fresh=no
  BEST[$name]=0; BEST_P50[$name]=-; BEST_P95[$name]=-; BEST_P99[$name]=-
  PROXY_PID=-; PROXY_AT=$UAS_ADDR:$UAS_PORT
  step() {
    if [[ $start_fn != - && $fresh == no ]]; then
      [[ $PROXY_PID != - ]] && stop_group "$PROXY_PID"
      "$start_fn" || return 2
      local warm_rate=$START_CPS warm_seconds=5
      ((best > 0)) && warm_rate=$best warm_seconds=$STEP_SECONDS
      warm_up "$name" "$warm_rate" "$warm_seconds"
      fresh=yes
    fi
    if [[ $PROXY_PID != - ]] && ! kill -0 "$PROXY_PID" 2>/dev/null; then
      NOTE[$name]="the proxy exited during the ramp"
      return 2
    fi
    run_step "$name" "$1" "$STEP_SECONDS" "$PROXY_AT" "$PROXY_PID"
    record_step "$name" "$1"
    sleep "$SETTLE_SECONDS"
    if [[ $STEP_PASS == yes ]]; then
      best=$1
      BEST[$name]=$1; BEST_P50[$name]=$STEP_P50; BEST_P95[$name]=$STEP_P95; BEST_P99[$name]=$STEP_P99
      return 0
    fi
    fresh=no
    failed_reason=$STEP_REASON
    return 1
  }
  local outcome=0
  while ((rate <= MAX_CPS)); do
    # Where the doubling would step over Kamailio's highest rate, that rate first, on the JVM this
    # ramp warmed (a JVM restarted for it and warmed for two steps was still compiling: 0.52 ms of
    # CPU a call where a warm one took 0.36), after two steps' length there uncounted: ended calls
    # linger 32 s, so the first 10 s at a doubled rate still grow the heap (run 27: 0.38 ms of CPU
    # a call, where the next step took 0.33).
    if ((PEER_RATE > best && PEER_RATE < rate)); then
      warm_up "$name" "$PEER_RATE" $((STEP_SECONDS * 2))
      step "$PEER_RATE" && outcome=0 || outcome=$?
      if ((outcome != 0)); then
        rate=$PEER_RATE
        break
      fi
    fi
    step "$rate" && outcome=0 || outcome=$?
    ((outcome == 0)) || break
    rate=$((rate * 2))
  done
  if ((outcome == 2)); then
    :
  elif ((outcome == 0)); then
    NOTE[$name]="no failure up to --max-cps $MAX_CPS"
  elif ((best == 0)); then
    NOTE[$name]="every step failed; at $START_CPS cps: ${failed_reason:-see the step line}"
  else
    failed_at=$rate
    local mid reason=$failed_reason
    # The gap halves each time round, so this ends; rates in tens of calls/s.
    while (((failed_at - best) * 100 > best * RESOLUTION)); do
      mid=$(((best + failed_at) / 2 / 10 * 10))
      ((mid > best && mid < failed_at)) || break
      step "$mid" && outcome=0 || outcome=$?
      ((outcome == 2)) && break
      if ((outcome == 1)); then
        failed_at=$mid reason=$failed_reason
      fi
    done
    ((outcome == 2)) || NOTE[$name]="fails at $failed_at cps${reason:+: $reason}"
  fi
  [[ $PROXY_PID != - ]] && stop_group "$PROXY_PID"
  PROXY_PID=-
}

# One counted step of NAME at RATE on a fresh proxy, warmed up first at RATE (or at the target's
# highest passing rate if that is lower) for two steps' length: its CPU per call is compared with
# Kamailio's, and a JVM still compiling would spend more than it does warm.
at_rate() {
  local name=$1 start_fn=$2 rate=$3 warm_rate
  "$start_fn" || return 0
  warm_rate=$((BEST[$name] < rate ? BEST[$name] : rate))
  warm_up "$name" "$warm_rate" $((STEP_SECONDS * 2))
  run_step "$name" "$rate" "$STEP_SECONDS" "$PROXY_AT" "$PROXY_PID"
  record_step "$name" "$rate"
  stop_group "$PROXY_PID"
  PROXY_PID=-
}

start_kamailio() {
  start_group "$WORK/kamailio/kamailio.log" kamailio -f "$WORK/kamailio/kamailio.cfg" -DD -E \
    -m 512 -M 16 -Y "$WORK/kamailio/run" -P "$WORK/kamailio/run/kamailio.pid" -w "$WORK/kamailio"
  PROXY_PID=$STARTED PROXY_AT=127.0.0.1:$KAMAILIO_PORT
  wait_udp "$KAMAILIO_PORT" "$PROXY_PID" && return 0
  tail -20 "$WORK/kamailio/kamailio.log" >&2
  NOTE[kamailio]="not measured: Kamailio did not start (log above)"
  return 1
}

start_trunkline() {
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  start_group "$WORK/trunkline.log" java $JAVA_OPTS -cp "$TRUNKLINE_CP" \
    io.trunkline.sip.standalone.Standalone "$WORK/trunk" --bind "127.0.0.1:$TRUNKLINE_PORT" \
    "${TRUNKLINE_OPS[@]}"
  PROXY_PID=$STARTED PROXY_AT=127.0.0.1:$TRUNKLINE_PORT
  if wait_udp "$TRUNKLINE_PORT" "$PROXY_PID"; then
    [[ -n ${TRUNKLINE_SHOWN:-} ]] || head -5 "$WORK/trunkline.log" | sed 's/^/  /'
    TRUNKLINE_SHOWN=yes
    return 0
  fi
  tail -20 "$WORK/trunkline.log" >&2
  NOTE[trunkline]="not measured: sip-proxy did not start (log above)"
  return 1
}

# One sip-proxy counting in a redis-server, or three sharing it: redis and the proxies in one
# process group, so a restart after a failed step starts from an empty store, and the proxy CPU
# column includes Redis.
start_shared() {
  local name=$1 count=$2 i members=()
  for ((i = 0; i < count; i++)); do members+=(--member "${POOL_ADDRS[$i]}:$TRUNKLINE_PORT"); done
  local script='redis-server --bind 127.0.0.30 --port "$STORE_PORT" --save "" --appendonly no &
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.30 -p "$STORE_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
    for address in "$@"; do
      java $JAVA_OPTS -cp "$TRUNKLINE_CP" io.trunkline.sip.standalone.Standalone "$TRUNK_DIR" \
        --bind "$address:$TRUNKLINE_PORT" --pool-size "$POOL_SIZE" --store "127.0.0.30:$STORE_PORT" \
        $MEMBERS &
    done
    wait'
  STORE_PORT=$STORE_PORT JAVA_OPTS=$JAVA_OPTS TRUNKLINE_CP=$TRUNKLINE_CP TRUNK_DIR=$WORK/trunk \
    TRUNKLINE_PORT=$TRUNKLINE_PORT POOL_SIZE=$count MEMBERS="${members[*]}" \
    start_group "$WORK/$name.log" bash -c "$script" "$name" "${POOL_ADDRS[@]:0:$count}"
  PROXY_PID=$STARTED PROXY_AT=${POOL_ADDRS[0]}:$TRUNKLINE_PORT
  for ((i = 0; i < count; i++)); do
    if ! wait_udp_at "${POOL_ADDRS[$i]}" "$TRUNKLINE_PORT" "$PROXY_PID"; then
      tail -20 "$WORK/$name.log" >&2
      NOTE[$name]="not measured: a sip-proxy of the pool did not start (log above)"
      return 1
    fi
  done
}
start_store() { start_shared store 1; }
start_pool() { start_shared pool 3; }

wants() { [[ ,$ONLY, == *,$1,* ]]; }

echo "sip-cps: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1)," \
  "$(kamailio -v 2>/dev/null | head -1 | grep -o 'kamailio [0-9.]*'), $(java -version 2>&1 | head -1)"
echo "sip-cps: UDP on loopback (PBX and proxies 127.0.0.1, carrier $UAS_ADDR); $STEP_SECONDS s steps from $START_CPS cps (x2 up to $MAX_CPS, then bisected to within $RESOLUTION%);" \
  "a step passes with under 0.1% failed calls and ${MIN_ACHIEVED_PERCENT}% of the rate placed"

if wants store || wants pool; then
  for tool in redis-server redis-cli; do
    command -v "$tool" >/dev/null || { echo "sip-cps: $tool is not installed (apt-get install -y redis-server)" >&2; exit 69; }
  done
fi

# --- Trunkline build, before any measuring: a build failure only skips the Trunkline ramps ---
TRUNKLINE_CP=""
if wants trunkline || wants store || wants pool; then
  build_ok=yes
  if [[ $BUILD == yes ]]; then
    echo "sip-cps: building standalone (./mvnw install -DskipTests -DskipImages; --skip-build to reuse the last build)"
    ./mvnw -B -q -ntp -pl standalone -am install -DskipTests -DskipImages >"$WORK/build.log" 2>&1 || build_ok=no
  fi
  if [[ $build_ok == yes ]] &&
    ./mvnw -B -q -ntp -pl standalone dependency:build-classpath -Dmdep.includeScope=runtime \
      -Dmdep.outputFile="$WORK/classpath.txt" >>"$WORK/build.log" 2>&1; then
    TRUNKLINE_CP=$ROOT/standalone/target/classes:$(cat "$WORK/classpath.txt")
    # Builds whose Standalone serves metrics take --ops; keep it off the default 8080.
    TRUNKLINE_OPS=()
    standalone_usage=$(java -cp "$TRUNKLINE_CP" io.trunkline.sip.standalone.Standalone 2>&1 || true)
    [[ $standalone_usage == *--ops* ]] && TRUNKLINE_OPS=(--ops "127.0.0.1:$TRUNKLINE_OPS_PORT")
  else
    tail -30 "$WORK/build.log" >&2
    NOTE[trunkline]="not measured: the build failed (output above)"
  fi
fi

# --- (1) sipp alone: UAC straight to UAS ---
if wants baseline; then
  echo "sip-cps: sipp alone (UAC to UAS, no proxy)"
  ramp baseline -
fi

# --- (2) Kamailio ---
if wants kamailio; then
  echo "sip-cps: Kamailio ($KAMAILIO_CHILDREN UDP workers, 512 MB shared memory) on 127.0.0.1:$KAMAILIO_PORT"
  mkdir -p "$WORK/kamailio/run"
  sed -e "s/@CHILDREN@/$KAMAILIO_CHILDREN/; s/@PORT@/$KAMAILIO_PORT/; s/@CARRIER@/$UAS_ADDR:$UAS_PORT/" \
    "$SCENARIOS/kamailio.cfg.in" >"$WORK/kamailio/kamailio.cfg"
  ramp kamailio start_kamailio
fi

wants kamailio && PEER_RATE=${BEST[kamailio]:-0}

# --- (3) Trunkline sip-proxy, standalone from bench/sip/trunk ---
if [[ -n $TRUNKLINE_CP ]]; then
  mkdir -p "$WORK/trunk"
  for f in "$SCENARIOS"/trunk/*.yaml; do
    sed "s/127\.0\.0\.2:15090/$UAS_ADDR:$UAS_PORT/" "$f" >"$WORK/trunk/$(basename "$f")"
  done
fi
if wants trunkline && [[ -n $TRUNKLINE_CP ]]; then
  echo "sip-cps: Trunkline sip-proxy (standalone, java $JAVA_OPTS) on 127.0.0.1:$TRUNKLINE_PORT"
  ramp trunkline start_trunkline
fi

# --- (4) one sip-proxy counting in Redis; (5) three sharing it ---
if wants store && [[ -n $TRUNKLINE_CP ]]; then
  echo "sip-cps: one sip-proxy with its quotas in redis-server (127.0.0.30:$STORE_PORT) on ${POOL_ADDRS[0]}:$TRUNKLINE_PORT"
  ramp store start_store
fi
if wants pool && [[ -n $TRUNKLINE_CP ]]; then
  echo "sip-cps: three sip-proxies sharing redis-server, load to ${POOL_ADDRS[0]}:$TRUNKLINE_PORT (two thirds handed over)"
  ramp pool start_pool
fi

# --- each Trunkline target at Kamailio's highest passing rate, where its ramp did not ask that ---
if ((PEER_RATE > 0)); then
  for name in trunkline store pool; do
    wants "$name" && [[ -n $TRUNKLINE_CP ]] && ((${BEST[$name]:-0} > 0)) || continue
    [[ -n ${MEASURED["$name $PEER_RATE"]:-} ]] && continue
    echo "sip-cps: $name at Kamailio's highest passing rate, $PEER_RATE cps"
    at_rate "$name" "start_$name" "$PEER_RATE"
  done
fi

# --- summary ---
echo
echo "Highest sustained calls/s (under 0.1% failed), setup time INVITE -> 200 OK at that rate."
echo "Setup times in ms as sipp measures them (its clock ticks: steps of a few ms; 0 = below one step)."
printf '%-11s %9s %7s %7s %7s  %s\n' target "max CPS" p50 p95 p99 note
for name in baseline kamailio trunkline store pool; do
  wants "$name" || continue
  printf '%-11s %9s %7s %7s %7s  %s\n' "$name" "${BEST[$name]:-0}" "${BEST_P50[$name]:--}" \
    "${BEST_P95[$name]:--}" "${BEST_P99[$name]:--}" "${NOTE[$name]:-}"
done
if wants kamailio && wants trunkline; then
  k=${BEST[kamailio]:-0} t=${BEST[trunkline]:-0}
  if ((k > 0)); then
    printf 'trunkline/kamailio: %s\n' "$(awk -v t="$t" -v k="$k" 'BEGIN { printf "%.2f", t / k }')"
  else
    echo "trunkline/kamailio: n/a (no Kamailio figure)"
  fi
  ((t == 0)) && echo "Trunkline carried no step: ${NOTE[trunkline]:-}"
fi
for name in store pool; do
  if wants "$name" && wants kamailio && ((${BEST[kamailio]:-0} > 0)); then
    printf '%s/kamailio: %s\n' "$name" "$(awk -v t="${BEST[$name]:-0}" -v k="${BEST[kamailio]}" 'BEGIN { printf "%.2f", t / k }')"
  fi
  if wants "$name" && wants trunkline && ((${BEST[trunkline]:-0} > 0)); then
    printf '%s/trunkline: %s\n' "$name" "$(awk -v t="${BEST[$name]:-0}" -v k="${BEST[trunkline]}" 'BEGIN { printf "%.2f", t / k }')"
  fi
done
if ((PEER_RATE > 0)); then
  echo
  echo "At Kamailio's highest passing rate, $PEER_RATE cps: setup time (ms) and the proxy's CPU per call."
  printf '%-11s %7s %7s %7s %7s %12s  %s\n' target p50 p95 p99 cores "CPU ms/call" step
  for name in kamailio trunkline store pool; do
    wants "$name" && [[ -n ${MEASURED["$name $PEER_RATE"]:-} ]] || continue
    read -r verdict p50 p95 p99 cores <<<"${MEASURED["$name $PEER_RATE"]}"
    printf '%-11s %7s %7s %7s %7s %12s  %s\n' "$name" "$p50" "$p95" "$p99" "$cores" \
      "$(awk -v c="$cores" -v r="$PEER_RATE" 'BEGIN { if (c == "-") print "-"; else printf "%.3f", c * 1000 / r }')" "$verdict"
  done
fi
if wants baseline && wants kamailio && [[ ${NOTE[baseline]:-} == fails* ]] &&
  ((${BEST[kamailio]:-0} * 10 > ${BEST[baseline]:-0} * 8)); then
  echo "Note: Kamailio came within 80% of sipp's own ceiling; the load generator may be what limits it."
fi
echo "Load average now $(cut -d' ' -f1-3 /proc/loadavg): other work on the machine makes these figures noisy."
