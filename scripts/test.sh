#!/usr/bin/env bash
# Run the whole suite twice: on SQLite, then on a throw-away PostgreSQL cluster
# (with a throw-away Redis) started on free ports in a temp dir. Both servers
# are stopped and removed on exit, whether the tests pass or not.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

apt_install() {
  echo "Installing Debian packages: $*"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
[ -n "$(pg_bin)" ] || apt_install postgresql
command -v redis-server >/dev/null || apt_install redis-server
[ -x /usr/bin/chromium ] || apt_install chromium
PG_BIN="$(pg_bin)"

WORK="$(mktemp -d /tmp/pilar-test.XXXXXX)"
chmod 755 "$WORK"
PG_PORT="$(free_port)"
REDIS_PORT="$(free_port)"
# initdb and postgres refuse to run as root: run them as the postgres user.
AS_PG=()
if [ "$(id -u)" = 0 ]; then
  AS_PG=(runuser -u postgres --)
  mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
fi

cleanup() {
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1
  [ -f "$WORK/redis.pid" ] && kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

"${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null || exit 1
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$WORK/pg/log"; exit 1; }
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --daemonize yes --pidfile "$WORK/redis.pid" --dir "$WORK" --logfile "$WORK/redis.log" || exit 1

echo "=== Test suite on SQLite (the browser journey runs once, on PostgreSQL) ==="
env -u DATABASE_URL -u REDIS_URL "$PY" -m pytest --ignore=tests/browser "$@"
sqlite_status=$?

echo "=== Test suite on PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (port $PG_PORT) with Redis (port $REDIS_PORT) ==="
DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/pilar" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
  "$PY" -m pytest "$@"
pg_status=$?

echo "SQLite suite exit: $sqlite_status, PostgreSQL suite exit: $pg_status"
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ]
