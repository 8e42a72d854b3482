# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared paths and helpers for infra/kafka/{start,stop,wait}.sh. Source it; do not run it.

KAFKA_INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$KAFKA_INFRA_DIR/../.." && pwd)"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$REPO_ROOT/.data/kafka}"
case "$KAFKA_DATA_DIR" in
  /*) ;;
  *) KAFKA_DATA_DIR="$(pwd)/$KAFKA_DATA_DIR" ;;
esac

KAFKA_LIBS_DIR="$KAFKA_DATA_DIR/libs"          # broker jars copied from Maven
KAFKA_LOG_DIRS="$KAFKA_DATA_DIR/data"          # Kafka's log.dirs (topic data + KRaft metadata)
KAFKA_LOGS_DIR="$KAFKA_DATA_DIR/logs"          # server.log (log4j2) and kafka.out (stdout/stderr)
KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
KAFKA_PROPS="$KAFKA_DATA_DIR/server.properties" # rendered from server.properties.template
KAFKA_POM="$KAFKA_INFRA_DIR/pom.xml"
KAFKA_LIBS_STAMP="$KAFKA_LIBS_DIR/.pom.sha256"
KAFKA_FORMAT_STAMP="$KAFKA_DATA_DIR/formatted.env"

kafka_log() { printf '[kafka] %s\n' "$*"; }
kafka_err() { printf '[kafka] ERROR: %s\n' "$*" >&2; }

# Prints the recorded pid if the pid file names a live java process; returns 1 otherwise.
kafka_running_pid() {
  [ -f "$KAFKA_PID_FILE" ] || return 1
  local pid comm
  pid="$(tr -dc '0-9' < "$KAFKA_PID_FILE")"
  [ -n "$pid" ] || return 1
  kafka_pid_alive "$pid" || return 1
  comm="$(ps -p "$pid" -o comm= 2>/dev/null | tr -d ' ')"
  [ "$comm" = "java" ] || return 1
  printf '%s\n' "$pid"
}

# True while $1 is a live (not zombie) process.
kafka_pid_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  case "$(ps -p "$1" -o stat= 2>/dev/null)" in Z*|"") return 1 ;; esac
}

# True if something accepts TCP connections on 127.0.0.1:$1.
kafka_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
