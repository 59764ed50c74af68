#!/bin/sh
# Serve Berdaya on http://127.0.0.1:8000 with its background worker; Ctrl-C stops both.
set -e
BIN=${VENV:-.venv}/bin
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WEB_WORKERS:-2}
"$BIN/berdaya" db_worker --queue-name default &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
echo "Berdaya: http://$HOST:$PORT  (worker pid $WORKER; Ctrl-C to stop)"
exec_server() {
  "$BIN/granian" --interface wsgi --host "$HOST" --port "$PORT" --workers "$WORKERS" \
    berdaya.wsgi:application
}
exec_server
