# Sourced by the bench scripts. Each process a bench starts gets a session of its own (setsid),
# so stopping it stops its children too (a bash -c wrapper, sipp under `time`, a JVM's helpers),
# and the script stops every session still running when it ends, however it ends.

GROUPS_STARTED=() # process groups of everything started here and not yet stopped

# Starts "$@" in its own session, output and errors to LOG; its pid, which is also its process
# group, is in STARTED.
start_group() {
  local log=$1
  shift
  setsid "$@" >"$log" 2>&1 </dev/null &
  STARTED=$!
  GROUPS_STARTED+=("$STARTED")
}

# Stops process group PGID: SIGTERM, then SIGKILL if it still runs 2 s later.
stop_group() {
  local pgid=$1 kept=() g
  for g in "${GROUPS_STARTED[@]}"; do [[ $g == "$pgid" ]] || kept+=("$g"); done
  GROUPS_STARTED=("${kept[@]}")
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 -- "-$pgid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

# Stops every process group started here that is still running.
stop_groups() {
  local pgid
  for pgid in "${GROUPS_STARTED[@]}"; do stop_group "$pgid"; done
}
