#!/usr/bin/env bash
# Waits until the Kafka broker on 127.0.0.1:${KAFKA_PORT:-9092} answers a real client request
# (kafkajs admin listTopics via infra/kafka/ready.mjs). Usage: wait.sh [timeout-seconds, default 90].
# Fails early if the broker process recorded in the pid file dies. Without node or kafkajs
# installed it falls back to the server log's "Kafka Server started" line plus an open port.
set -euo pipefail
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

TIMEOUT="${1:-${KAFKA_WAIT_TIMEOUT:-90}}"
deadline=$((SECONDS + TIMEOUT))
had_pid_file=0
[ -f "$KAFKA_PID_FILE" ] && had_pid_file=1

have_kafkajs() {
  command -v node >/dev/null 2>&1 &&
    (cd "$KAFKA_INFRA_DIR" && node -e 'require.resolve("kafkajs")' >/dev/null 2>&1)
}

use_client=0
if have_kafkajs; then use_client=1; else
  printf '[kafka] kafkajs not resolvable from %s (run npm ci); checking server.log and the port instead\n' "$KAFKA_INFRA_DIR" >&2
fi

while :; do
  remaining=$((deadline - SECONDS))
  if [ "$remaining" -le 0 ]; then
    printf '[kafka] not ready on 127.0.0.1:%s after %ss\n' "$KAFKA_PORT" "$TIMEOUT" >&2
    exit 1
  fi
  if [ "$had_pid_file" = 1 ] && ! kafka_running_pid >/dev/null; then
    printf '[kafka] broker process from %s is not running\n' "$KAFKA_PID_FILE" >&2
    exit 1
  fi
  if [ "$use_client" = 1 ]; then
    attempt=$(( remaining < 10 ? remaining : 10 ))
    if node "$KAFKA_INFRA_DIR/ready.mjs" --brokers "127.0.0.1:$KAFKA_PORT" --timeout "$attempt" --quiet; then
      exit 0
    fi
  else
    if grep -q 'Kafka Server started' "$KAFKA_LOGS_DIR/server.log" 2>/dev/null && kafka_port_open "$KAFKA_PORT"; then
      exit 0
    fi
    sleep 1
  fi
done
