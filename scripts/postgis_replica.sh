# The hot standby of the project's cluster (sourced by scripts/postgis.sh, which defines
# root, port, replica_root, replica_port, slot, run_pg, bin, pg_major, psql_admin, log,
# start_cluster).
#
# The standby is PostgreSQL's own streaming replication: a pg_basebackup -R copy of the
# primary that follows its WAL through a physical replication slot and answers read-only
# queries (hot_standby). Same binaries, same host; nothing home-made.

# The port the standby was made with (its postgresql.conf), else the one it would get.
replica_port_in_use() {
  local conf="$replica_root/cluster/postgresql.conf" p=""
  if [ -r "$conf" ]; then p=$(sed -nE 's/^port = ([0-9]+).*/\1/p' "$conf" | tail -n1); fi
  echo "${p:-$replica_port}"
}

replica_running() {
  local nn
  nn=$(pg_major)
  [ -n "$nn" ] && [ -f "$replica_root/cluster/PG_VERSION" ] \
    && run_pg "$(bin "$nn")/pg_ctl" -D "$replica_root/cluster" status >/dev/null 2>&1
}

# The primary is made with wal_level=minimal (bulk loads skip WAL); a standby needs
# wal_level=replica and WAL senders. ALTER SYSTEM overrides postgresql.conf, and the
# wal_level change needs a restart: done once, the first time a standby is asked for.
primary_for_replication() {
  local nn level senders
  nn=$1
  level=$(psql_admin -d postgres -tAc "show wal_level")
  senders=$(psql_admin -d postgres -tAc "show max_wal_senders")
  if [ "$level" = "minimal" ] || [ "$senders" = "0" ]; then
    log "primary: wal_level=replica, max_wal_senders=10 (restarting it once)"
    psql_admin -d postgres -c "alter system set wal_level = 'replica'" \
      -c "alter system set max_wal_senders = 10" \
      -c "alter system set max_replication_slots = 10" \
      -c "alter system set max_slot_wal_keep_size = '4GB'"
    run_pg "$(bin "$nn")/pg_ctl" -D "$root/cluster" -m fast -w -t 60 restart >/dev/null
  fi
  # initdb's pg_hba.conf already lets local and 127.0.0.1 replication in (trust); a cluster
  # whose file was edited by hand may lack it.
  if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]].*127\.0\.0\.1' "$root/cluster/pg_hba.conf"; then
    run_pg sh -c "printf 'host replication all 127.0.0.1/32 trust\nlocal replication all trust\n' >> '$root/cluster/pg_hba.conf'"
    psql_admin -d postgres -c "select pg_reload_conf()" >/dev/null
  fi
}

replica_dir() {
  if [ -z "${HQ_PG_REPLICA_ROOT:-}" ] && [ -z "${HQ_PG_ROOT:-}" ] && [ "$(id -u)" -eq 0 ] \
      && ! runuser -u postgres -- test -x "$here"; then
    # As for the primary (ensure_root_dir): a folder the postgres user can reach, linked in.
    local alt="/var/lib/hongqiao-pg/$(printf '%s' "$here" | sha1sum | cut -c1-12)-replica"
    mkdir -p "$alt"
    [ -L "$replica_root" ] || { rm -rf "$replica_root"; ln -s "$alt" "$replica_root"; }
  fi
  mkdir -p "$replica_root/run"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$replica_root/"; fi
  chmod 700 "$replica_root" 2>/dev/null || true
}

replica_up() {
  local nn
  nn=$(pg_major)
  if ! is_running; then
    log "the primary is not running: start it first (db up)"
    exit 1
  fi
  primary_for_replication "$nn"
  replica_dir
  if [ ! -f "$replica_root/cluster/PG_VERSION" ]; then
    log "copying the primary into $replica_root/cluster (pg_basebackup, slot $slot)"
    local make_slot=(-C)
    if [ -n "$(psql_admin -d postgres -tAc "select 1 from pg_replication_slots where slot_name = '$slot'")" ]; then
      make_slot=()    # a standby made before (and removed) left its slot: reuse it
    fi
    run_pg "$(bin "$nn")/pg_basebackup" -h 127.0.0.1 -p "$port" -U postgres \
      -D "$replica_root/cluster" -X stream -R "${make_slot[@]}" -S "$slot" >/dev/null
    # The copy carries the primary's postgresql.conf; later lines win, so these override it.
    run_pg sh -c "cat >> '$replica_root/cluster/postgresql.conf'" <<CONF
# hongqiao: the hot standby
port = $replica_port
unix_socket_directories = '$replica_root/run'
hot_standby = on
# The primary keeps the rows a long analyst read on the standby still needs, instead of
# the standby cancelling that read when replay would remove them.
hot_standby_feedback = on
CONF
  fi
  if replica_running; then
    log "standby already running on 127.0.0.1:$(replica_port_in_use)"
  else
    start_cluster "$replica_root" "$replica_port" "the standby" HQ_PG_REPLICA_PORT 120
  fi
}

replica_down() {
  local nn
  nn=$(pg_major)
  if replica_running; then
    run_pg "$(bin "$nn")/pg_ctl" -D "$replica_root/cluster" -m fast -w stop >/dev/null
    log "standby stopped"
  else
    log "standby not running"
  fi
}
