#!/usr/bin/env bash
# Generate the synthetic nation of issue 8 in a throw-away PostgreSQL cluster
# started on a free port in a temp dir, measure it (bench/results.json, or
# bench/results-small.json with --small), then stop and remove the cluster.
# Usage: scripts/bench.sh [--small]
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

WORK="$(mktemp -d /tmp/pilar-bench.XXXXXX)"
# shellcheck source=scripts/throwaway-pg.sh
. scripts/throwaway-pg.sh
cleanup() { pg_stop; rm -rf "$WORK"; }
trap cleanup EXIT
# Room for the bulk load's WAL; and, unlike the test cluster, durability on
# as in production (fsync, synchronous commit, full page writes), so that a
# transition and its bare writes each pay a real commit.
pg_start -c max_wal_size=8GB -c shared_buffers=256MB \
  -c fsync=on -c synchronous_commit=on -c full_page_writes=on || exit 1

export DJANGO_SETTINGS_MODULE=config.settings
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/pilar_bench"
# Throw-away keys for a throw-away database.
export DJANGO_SECRET_KEY="bench-$RANDOM-$RANDOM"
# The pages are requested in process, through Django's test client.
export DJANGO_ALLOWED_HOSTS=testserver
export PILAR_AUDIT_KEY="bench-audit-$RANDOM-$RANDOM"
unset DJANGO_DEBUG REDIS_URL

"${AS_PG[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres pilar_bench || exit 1
echo "=== Migrating PostgreSQL $(pg_version) (port $PG_PORT) ==="
"$PY" manage.py migrate -v0 || exit 1
# Pages are served as in production: hashed, compressed static files.
"$PY" manage.py collectstatic --noinput -v0 || exit 1
echo "=== Generating and measuring the synthetic nation $* ==="
"$PY" -m bench run "$@"
