#!/usr/bin/env bash
# Stops the Kafka broker started by infra/kafka/start.sh, by the pid in its pid file only:
# SIGTERM, up to ${KAFKA_STOP_TIMEOUT:-30} s for a clean shutdown, then SIGKILL. Idempotent.
set -euo pipefail
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

if [ ! -f "$KAFKA_PID_FILE" ]; then
  kafka_log "not running (no pid file $KAFKA_PID_FILE)"
  exit 0
fi
if ! pid="$(kafka_running_pid)"; then
  kafka_log "not running (stale pid file $KAFKA_PID_FILE: $(tr -d '[:space:]' < "$KAFKA_PID_FILE") is gone or not java); removing it"
  rm -f "$KAFKA_PID_FILE"
  exit 0
fi

kafka_log "stopping broker (pid $pid) with SIGTERM"
kill -TERM "$pid" 2>/dev/null || true
t0=$SECONDS
while kafka_pid_alive "$pid"; do
  if [ $((SECONDS - t0)) -ge "$STOP_TIMEOUT" ]; then
    kafka_log "still running after ${STOP_TIMEOUT}s; sending SIGKILL to pid $pid"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kafka_pid_alive "$pid" || break; sleep 0.5; done
    break
  fi
  sleep 0.5
done
if kafka_pid_alive "$pid"; then
  kafka_err "pid $pid did not exit"
  exit 1
fi
rm -f "$KAFKA_PID_FILE"
kafka_log "stopped (pid $pid) after $((SECONDS - t0)) s"
