#!/usr/bin/env bash
# make test-clock: the time-sensitive tests with the machine's clock moved.
#
# The PostgreSQL server of this run (and the fault tests' own) start under libfaketime
# (Debian's libfaketime, HQ_PG_FAKETIME in scripts/postgis.sh); the test process moves its
# clock by the same shift with time-machine (tests/clock.py says why not libfaketime there), so
# Python's now and the database's now() agree. For each instant below the cluster is restarted
# under the new shift; the session's one "now" (tests/clock.py) is read when pytest starts, so
# it lands on the instant, and the clock then keeps ticking across midnight, the month's end or
# New Year while the tests run.
#
#   scripts/test_clock.sh            every instant
#   scripts/test_clock.sh NAME ...   some of them (names as printed), e.g. year-end
#
# Extra pytest arguments: HQ_CLOCK_PYTEST_ARGS="-x -k whistle".
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
PY=.venv/bin/python

log() { printf '[test-clock] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n1 || true)
if [ -z "$lib" ]; then
  log "installing libfaketime"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libfaketime >/dev/null
  lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -n1)
fi

# The time-sensitive part of the suite: whatever says "today", "this month", "overdue", a
# day partition, a period or a deadline. Browser-only files whose dates come from the same
# services tested here (the analyst's shared link, /cases' duplicates panel) are left to
# `make test`: six instants of Chromium would double the run for no date logic of their own.
TESTS=(
  tests/test_workflow_deadlines.py tests/test_workflow_incidents.py
  tests/test_workflow_whistles.py tests/test_workflow_leaders.py tests/test_workflow_tick.py
  tests/test_workflow_scoring.py tests/test_workflow_permissions.py tests/test_workflow_audit.py
  tests/test_api_workflow.py tests/test_api_reports_leaders.py tests/test_dashboard_leaders.py
  tests/test_data_wall_queries.py tests/test_dashboard_wall.py
  tests/test_dashboard_wall_assembly.py tests/test_data_positions.py tests/test_faults_clock.py
  tests/test_api_upkeep.py tests/test_data_analyst.py tests/test_dashboard_analyst.py
  tests/test_data_cases_count.py tests/test_dashboard_cases.py tests/test_api_mobile.py
  tests/test_api_mobile_patrol.py tests/test_api_open311_requests.py
  tests/test_security_browser.py tests/test_clock_instants.py
  tests/test_dashboard_devices.py tests/test_api_ingest_clock.py tests/test_api_ingest_rules.py
  tests/test_admin_walk.py tests/test_admin_people.py
  tests/test_patrol_sheets.py tests/test_patrol_exceptions.py tests/test_patrol_attendance.py
  tests/test_patrol_retention.py tests/test_dashboard_patrol.py tests/test_patrol_tracks.py
  tests/test_patrol_discovery.py tests/test_dashboard_wall_districts.py
  tests/test_leaders_districts.py
  tests/test_workflow_notices.py tests/test_notices_channels.py tests/test_api_notifications.py
  tests/test_etl_sim_whistles.py
  tests/test_api_intake.py tests/test_api_tasks.py tests/test_intake_suggestions.py
  tests/test_api_open311_updates.py
)

# name epoch-seconds, one per line, in time order (the cluster's clock only moves forward).
instants=$($PY - "$@" <<'EOF'
import sys
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

bj = ZoneInfo("Asia/Shanghai")
now = datetime.now(timezone.utc)
today = now.astimezone(bj).date()


def at(day, hh, mm, ss):
    return datetime.combine(day, time(hh, mm, ss), tzinfo=bj)


def first_of_next_month(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def ahead(moment, later):
    """``moment`` if it is still to come, else ``later()``'s."""
    return moment if moment > now else later()


# Pytest reads "now" a few seconds after the clock is set: aim a little early so the
# session starts inside the last ten seconds of the month / year.
LAST = (23, 59, 59 - 8)


def next_month_ending_on_the_30th(day):
    """Year-end already covers a 31st; months of 30 days are where "+1 month" code breaks."""
    while True:
        end = first_of_next_month(day) - timedelta(days=1)
        if end.day == 30 and at(end, *LAST) > now:
            return end
        day = first_of_next_month(day)


candidates = {
    "before-midnight": ahead(at(today, 23, 59, 30), lambda: at(today + timedelta(days=1), 23, 59, 30)),
    "after-midnight": at(today + timedelta(days=1), 0, 0, 30),
    "month-end": at(next_month_ending_on_the_30th(today), *LAST),
    "year-end": ahead(at(today.replace(month=12, day=31), *LAST),
                      lambda: at(today.replace(year=today.year + 1, month=12, day=31), *LAST)),
    "plus-30-days": now + timedelta(days=30),
    "plus-400-days": now + timedelta(days=400),
}
wanted = sys.argv[1:] or list(candidates)
unknown = [w for w in wanted if w not in candidates]
if unknown:
    sys.exit(f"unknown instant {unknown[0]}; choose from {', '.join(candidates)}")
for name, moment in sorted(((w, candidates[w]) for w in wanted), key=lambda p: p[1]):
    print(name, int(moment.timestamp()))
EOF
)

root=$(mktemp -d /tmp/hq-clock-XXXXXX)
chmod 755 "$root"
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg() { HQ_PG_ROOT="$root" HQ_PG_PORT="$port" HQ_PG_SHARED_BUFFERS=256MB "$@"; }
cleanup() {
  pg bash scripts/postgis.sh down >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT

failed=()
while read -r name epoch; do
  [ -n "$name" ] || continue
  offset=$(( epoch - $(date +%s) ))
  log "$name: clock moved by ${offset}s to $(TZ=Asia/Shanghai date -d "@$epoch" '+%F %T') Beijing"
  pg bash scripts/postgis.sh down >/dev/null 2>&1 || true
  shifted=(env HQ_PG_FAKETIME="+${offset}s" HQ_TEST_CLOCK_SHIFT_S="$offset")
  pg "${shifted[@]}" bash scripts/postgis.sh up >/dev/null
  # shellcheck disable=SC2086
  if ! "${shifted[@]}" TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/hongqiao" \
      $PY -m pytest -q "${TESTS[@]}" ${HQ_CLOCK_PYTEST_ARGS:-}; then
    failed+=("$name")
  fi
done <<< "$instants"

if [ ${#failed[@]} -gt 0 ]; then
  log "failed at: ${failed[*]}"
  exit 1
fi
log "every instant passed"
