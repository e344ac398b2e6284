#!/usr/bin/env bash
# Generate the synthetic nation of issue 8 in a throw-away PostgreSQL cluster
# started on a free port in a temp dir, stopped and removed on exit.
# Usage: scripts/bench.sh [--small]
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
PG_BIN="$(pg_bin)"

WORK="$(mktemp -d /tmp/pilar-bench.XXXXXX)"
chmod 755 "$WORK"
PG_PORT="$(free_port)"
# initdb and postgres refuse to run as root: run them as the postgres user.
AS_PG=()
if [ "$(id -u)" = 0 ]; then
  AS_PG=(runuser -u postgres --)
  mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
fi

cleanup() {
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

"${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null || exit 1
# A throw-away cluster: durability off, room for the bulk load's WAL.
"${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
  -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=8GB -c shared_buffers=256MB" \
  start >/dev/null || { cat "$WORK/pg/log"; exit 1; }

export DJANGO_SETTINGS_MODULE=config.settings
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/pilar_bench"
# Throw-away keys for a throw-away database.
export DJANGO_SECRET_KEY="bench-$RANDOM-$RANDOM"
export PILAR_AUDIT_KEY="bench-audit-$RANDOM-$RANDOM"
unset DJANGO_DEBUG REDIS_URL

"${AS_PG[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres pilar_bench || exit 1
echo "=== Migrating PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (port $PG_PORT) ==="
"$PY" manage.py migrate -v0 || exit 1
echo "=== Generating the synthetic nation $* ==="
"$PY" -m bench generate "$@"
