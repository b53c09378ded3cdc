#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a new database.
#
#   scripts/restore.sh FILE TARGET_URL
#
# TARGET_URL names a database that must not exist yet (postgresql://user@host:port/name);
# it is created, PostGIS and the schema come from the dump, and the whole restore runs in
# one transaction: it either completes or leaves an empty database behind. To put a backup
# in place of the live database, restore it under a new name, check it, then switch (see
# docs/operating.md): the running database is never overwritten by this script.
set -euo pipefail

if [ $# -ne 2 ]; then echo "usage: $0 FILE TARGET_URL" >&2; exit 2; fi
file=$1
url=${2/postgresql+psycopg2:/postgresql:}
[ -f "$file" ] || { echo "[restore] no such file: $file" >&2; exit 1; }

nn=$(ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n1 || true)
bin=${nn:+/usr/lib/postgresql/$nn/bin/}

name=${url##*/}
name=${name%%\?*}
admin="${url%/*}/postgres"
if ! [[ "$name" =~ ^[A-Za-z0-9_]+$ ]]; then
  echo "[restore] the database name must be letters, digits and _ only: $name" >&2; exit 2
fi
exists=$("${bin}psql" -X -tA -d "$admin" -c "select 1 from pg_database where datname = '$name'")
if [ -n "$exists" ]; then
  echo "[restore] database $name exists: restore into a new name, then switch" >&2; exit 1
fi
"${bin}psql" -X -q -v ON_ERROR_STOP=1 -d "$admin" -c "create database \"$name\""
"${bin}pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$url" "$file"
"${bin}psql" -X -q -d "$url" -c "analyze"
echo "[restore] $file -> $name" >&2
