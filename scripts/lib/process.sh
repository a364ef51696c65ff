# shellcheck shell=bash
# stop_pid PID [TENTHS]: ask a background process to stop (SIGTERM), wait up to TENTHS tenths of a second (default 30),
# then end it (SIGKILL) and reap it. Services started by the scripts stop through this one path.
stop_pid() {
  local pid=$1 tenths=${2:-30} i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null
  for i in $(seq 1 "$tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}
