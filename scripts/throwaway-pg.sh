# Sourced by scripts/test.sh and scripts/bench.sh: a throw-away PostgreSQL
# cluster on a free port in a temp dir ($WORK), stopped and removed on exit.
# Callers set PY and WORK, call pg_start [extra postgres options], and add
# their own clean-up to pg_stop through the EXIT trap.

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

apt_install() {
  echo "Installing Debian packages: $*"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
[ -n "$(pg_bin)" ] || apt_install postgresql
PG_BIN="$(pg_bin)"
PG_PORT="$(free_port)"
# initdb and postgres refuse to run as root: run them as the postgres user.
AS_PG=()

pg_start() {
  chmod 755 "$WORK"
  if [ "$(id -u)" = 0 ]; then
    AS_PG=(runuser -u postgres --)
    mkdir -p "$WORK/pg" && chown postgres "$WORK/pg"
  fi
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null || return 1
  # A throw-away cluster: durability off.
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off $*" \
    start >/dev/null || { cat "$WORK/pg/log"; return 1; }
}

pg_stop() {
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m immediate stop >/dev/null 2>&1
}

pg_version() { "$PG_BIN/postgres" --version | awk '{print $3}'; }
