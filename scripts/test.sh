#!/usr/bin/env bash
# Run the whole suite twice: on SQLite, then on a throw-away PostgreSQL cluster
# (with a throw-away Redis) started on free ports in a temp dir. Both servers
# are stopped and removed on exit, whether the tests pass or not.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

WORK="$(mktemp -d /tmp/pilar-test.XXXXXX)"
# shellcheck source=scripts/throwaway-pg.sh
. scripts/throwaway-pg.sh
command -v redis-server >/dev/null || apt_install redis-server
[ -x /usr/bin/chromium ] || apt_install chromium
REDIS_PORT="$(free_port)"

cleanup() {
  pg_stop
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

pg_start || exit 1
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --daemonize yes --pidfile "$WORK/redis.pid" --dir "$WORK" --logfile "$WORK/redis.log" || exit 1

echo "=== Test suite on SQLite (the browser journey runs once, on PostgreSQL) ==="
env -u DATABASE_URL -u REDIS_URL "$PY" -m pytest --ignore=tests/browser "$@"
sqlite_status=$?

echo "=== Test suite on PostgreSQL $(pg_version) (port $PG_PORT) with Redis (port $REDIS_PORT) ==="
DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/pilar" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
  "$PY" -m pytest "$@"
pg_status=$?

echo "SQLite suite exit: $sqlite_status, PostgreSQL suite exit: $pg_status"
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ]
