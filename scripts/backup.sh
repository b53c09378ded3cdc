#!/usr/bin/env bash
# Back up the app database: pg_dump's custom format (compressed, restorable table by table)
# into a file named after the database and the UTC time.
#
#   scripts/backup.sh [DIR]    -> DIR/<database>-YYYYmmddTHHMMSSZ.dump, its path on stdout
#
# DIR defaults to $HQ_BACKUP_DIR, else var/backups in the checkout (git-ignored). The
# database is DATABASE_URL, else the local cluster (HQ_PG_PORT, HQ_PG_DB), as the app uses.
# A dump is consistent (one snapshot) and does not stop the app; it is written to a
# .partial file first, so a file without that suffix is always complete.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
url=${DATABASE_URL:-postgresql://postgres@127.0.0.1:${HQ_PG_PORT:-54329}/${HQ_PG_DB:-hongqiao}}
url=${url/postgresql+psycopg2:/postgresql:}
dir=${1:-${HQ_BACKUP_DIR:-$here/var/backups}}

# The client must be at least the server's version: take the newest installed one.
nn=$(ls /usr/lib/postgresql 2>/dev/null | grep -E '^[0-9]+$' | sort -n | tail -n1 || true)
pg_dump=${nn:+/usr/lib/postgresql/$nn/bin/}pg_dump

name=${url##*/}
name=${name%%\?*}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dir"
file="$dir/$name-$stamp.dump"
"$pg_dump" --format=custom --compress=6 --no-owner --no-privileges --file="$file.partial" \
  --dbname="$url"
mv "$file.partial" "$file"
printf '[backup] %s (%s)\n' "$file" "$(du -h "$file" | cut -f1)" >&2
echo "$file"
