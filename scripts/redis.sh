#!/usr/bin/env bash
# Start, stop and describe the project's own Redis (the state app hosts share).
#
#   scripts/redis.sh install install redis-server if missing (make test: the tests start their own)
#   scripts/redis.sh up      install redis-server if missing, start a private instance
#   scripts/redis.sh down    stop it
#   scripts/redis.sh status  exit 0 when it answers
#   scripts/redis.sh url     print its REDIS_URL
#
# It listens on 127.0.0.1 and HQ_REDIS_PORT (default 63790, never Redis's 6379, so it does not
# collide with a system Redis); its files live in .redisdata/ (git-ignored), or HQ_REDIS_ROOT
# (the tests start a throw-away one in a temp folder). No system service is enabled: Debian's
# package only provides the binary. Nothing in it needs to survive a restart (answers, counters,
# cached accounts), so it keeps no snapshot or append-only file.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
port=${HQ_REDIS_PORT:-63790}
root=${HQ_REDIS_ROOT:-"$here/.redisdata"}

log() { printf '[redis] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo "$@";
  else log "need root to run: $*"; log "install it by hand (as root) and run this again"; exit 1; fi
}

ensure_packages() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    log "installing redis-server"
    if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
      as_root apt-get update -qq
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    # Debian's package enables its own service on 6379: this project runs its private one.
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      as_root systemctl disable --now redis-server >/dev/null 2>&1 || true
    fi
  fi
}

is_running() {
  command -v redis-cli >/dev/null 2>&1 \
    && [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]
}

up() {
  ensure_packages
  mkdir -p "$root"
  if is_running; then log "already running on 127.0.0.1:$port"; return; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is taken (another checkout's Redis?): stop it, or set HQ_REDIS_PORT"
    exit 1
  fi
  log "starting on 127.0.0.1:$port"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$root" --daemonize yes \
    --pidfile "$root/redis.pid" --logfile "$root/redis.log" --save '' --appendonly no \
    --protected-mode yes --maxmemory "${HQ_REDIS_MAXMEMORY:-256mb}" --maxmemory-policy volatile-lru
  for _ in $(seq 1 50); do is_running && return; sleep 0.1; done
  log "did not answer on 127.0.0.1:$port (see $root/redis.log)"
  exit 1
}

down() {
  if is_running; then
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do is_running || break; sleep 0.1; done
    log "stopped"
  else
    log "not running"
  fi
}

case "${1:-}" in
  install) ensure_packages ;;
  up) up ;;
  down) down ;;
  status) is_running ;;
  url) echo "redis://127.0.0.1:$port/0" ;;
  *) echo "usage: $0 install|up|down|status|url" >&2; exit 2 ;;
esac
