#!/usr/bin/env bash
# Start, stop and describe the project's own local PostGIS cluster.
#
#   scripts/postgis.sh up      install what is missing, create the cluster and database, start it
#   scripts/postgis.sh down    stop it
#   scripts/postgis.sh status  exit 0 when it runs
#   scripts/postgis.sh url     print the libpq URL of the database
#   scripts/postgis.sh replica-up      a streaming-replication hot standby of it (pg_basebackup -R)
#   scripts/postgis.sh replica-down    stop the standby
#   scripts/postgis.sh replica-status  exit 0 when the standby runs
#   scripts/postgis.sh replica-url     print the libpq URL of the standby
#
# The cluster lives in .pgdata/ (git-ignored), listens on 127.0.0.1 and a unix socket in
# .pgdata/run on a non-default port, so it never collides with a system PostgreSQL.
# HQ_PG_ROOT puts a second, throw-away cluster elsewhere (the fault tests restart theirs);
# HQ_PG_SHARED_BUFFERS sizes it; HQ_PG_FAKETIME starts the server with its clock moved
# (libfaketime's FAKETIME syntax, e.g. "+86400s"; scripts/test_clock.sh).
# The standby lives in .pgdata-replica/ (HQ_PG_REPLICA_ROOT; "$HQ_PG_ROOT-replica" beside a
# throw-away cluster) on HQ_PG_REPLICA_PORT (default: the primary's port + 1).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
port=${HQ_PG_PORT:-54329}
dbname=${HQ_PG_DB:-hongqiao}
root=${HQ_PG_ROOT:-"$here/.pgdata"}
if [ -n "${HQ_PG_ROOT:-}" ]; then replica_root=${HQ_PG_REPLICA_ROOT:-"$HQ_PG_ROOT-replica"}
else replica_root=${HQ_PG_REPLICA_ROOT:-"$here/.pgdata-replica"}; fi
replica_port=${HQ_PG_REPLICA_PORT:-$((port + 1))}
slot=hq_standby

log() { printf '[postgis] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo "$@";
  else log "need root to run: $*"; log "install it by hand (as root) and run this again"; exit 1; fi
}

apt_install() {
  log "installing $*"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
    as_root apt-get update -qq
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_major() {
  ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n1
}

ensure_packages() {
  local nn
  nn=$(pg_major)
  if [ -z "$nn" ] || [ ! -x "/usr/lib/postgresql/$nn/bin/initdb" ]; then
    apt_install postgresql
    nn=$(pg_major)
  fi
  if [ ! -f "/usr/share/postgresql/$nn/extension/postgis.control" ]; then
    apt_install "postgresql-$nn-postgis-3"
  fi
  echo "$nn"
}

# initdb and pg_ctl refuse to run as root: as root they run as the postgres user.
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_root_dir() {
  if [ -z "${HQ_PG_ROOT:-}" ] && [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$here"; then
    # The checkout sits where the postgres user cannot reach (e.g. under /root): keep the
    # cluster in a folder it can reach and link it into the project.
    local alt="/var/lib/hongqiao-pg/$(printf '%s' "$here" | sha1sum | cut -c1-12)"
    mkdir -p "$alt"
    [ -L "$root" ] || { rm -rf "$root"; ln -s "$alt" "$root"; }
  fi
  mkdir -p "$root/run"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$root/" ; fi
}

bin() { echo "/usr/lib/postgresql/$1/bin"; }

is_running() {
  local nn
  nn=$(pg_major)
  [ -n "$nn" ] && [ -f "$root/cluster/PG_VERSION" ] && run_pg "$(bin "$nn")/pg_ctl" -D "$root/cluster" status >/dev/null 2>&1
}

psql_admin() {
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"
}

up() {
  local nn
  nn=$(ensure_packages)
  ensure_root_dir
  if [ ! -f "$root/cluster/PG_VERSION" ]; then
    log "creating cluster (PostgreSQL $nn) in $root/cluster"
    run_pg "$(bin "$nn")/initdb" -D "$root/cluster" -U postgres --auth-local=trust \
      --auth-host=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$root/cluster/postgresql.conf" <<CONF
# hongqiao: local development and test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$root/run'
max_connections = 200
shared_buffers = ${HQ_PG_SHARED_BUFFERS:-512MB}
work_mem = 32MB
maintenance_work_mem = 256MB
fsync = on
# Bulk loads into tables truncated in the same transaction skip WAL (no replicas here).
wal_level = minimal
max_wal_senders = 0
max_wal_size = 2GB
timezone = 'UTC'
log_min_messages = warning
CONF
  fi
  if is_running; then
    log "already running on 127.0.0.1:$port"
  else
    local clock=()
    if [ -n "${HQ_PG_FAKETIME:-}" ]; then
      # make test-clock: the server's clock moved by libfaketime (e.g. "+86400s").
      clock=(env LD_PRELOAD="$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n1)" FAKETIME="$HQ_PG_FAKETIME")
    fi
    start_cluster "$root" "$port" "" HQ_PG_PORT 60 "${clock[@]}"
  fi
  if [ -z "$(psql_admin -d postgres -tAc "select 1 from pg_database where datname = '$dbname'")" ]; then
    log "creating database $dbname"
    psql_admin -d postgres -c "create database \"$dbname\""
  fi
  psql_admin -d "$dbname" -c "create extension if not exists postgis" 2>/dev/null
}

# Start the cluster in "$1/cluster" on port $2 ("$3": what to call it in the log, "$4": the
# setting that moves the port, $5: seconds to wait; the rest wraps pg_ctl, e.g. libfaketime).
start_cluster() {
  local dir=$1 p=$2 what=$3 setting=$4 wait_s=$5
  shift 5
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    log "port $p is taken (another checkout's cluster?): stop it, or set $setting"
    exit 1
  fi
  log "starting ${what:+$what }on 127.0.0.1:$p"
  run_pg "$@" "$(bin "$(pg_major)")/pg_ctl" -D "$dir/cluster" -l "$dir/postgres.log" -w \
    -t "$wait_s" start >/dev/null
}

down() {
  local nn
  nn=$(pg_major)
  if is_running; then
    run_pg "$(bin "$nn")/pg_ctl" -D "$root/cluster" -m fast -w stop >/dev/null
    log "stopped"
  else
    log "not running"
  fi
}

source "$here/scripts/postgis_replica.sh"

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) is_running ;;
  url) echo "postgresql://postgres@127.0.0.1:$port/$dbname" ;;
  replica-up) replica_up ;;
  replica-down) replica_down ;;
  replica-status) replica_running ;;
  replica-url) echo "postgresql://postgres@127.0.0.1:$(replica_port_in_use)/$dbname" ;;
  *) echo "usage: $0 up|down|status|url|replica-up|replica-down|replica-status|replica-url" >&2
     exit 2 ;;
esac
