#!/usr/bin/env bash
# Install what the project needs on a fresh Debian machine (as root, or with sudo).
#
#   scripts/bootstrap.sh python    the virtualenv in .venv with pinned requirements
#   scripts/bootstrap.sh browser   Debian's Chromium, its driver and CJK fonts (browser tests)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo "$@";
  else log "need root for: $*  (install it as root, then run this again)"; exit 1; fi
}

apt_install() {
  log "apt-get install $*"
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
    as_root apt-get update -qq
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

python_env() {
  if ! command -v python3 >/dev/null 2>&1; then apt_install python3 python3-venv python3-pip; fi
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then apt_install python3-venv python3-pip; fi
  local stamp=.venv/.installed want
  want=$(cat requirements.txt requirements-dev.txt constraints.txt | sha1sum | cut -c1-40)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
  [ -x .venv/bin/python ] || python3 -m venv .venv
  log "installing Python packages into .venv (first time: about 2 minutes)"
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt \
    -r requirements-dev.txt 2> >(grep -v "is ignored: it is neither" >&2)
  echo "$want" > "$stamp"
}

browser() {
  local missing=() pkg
  for pkg in chromium chromium-driver fonts-noto-cjk; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi
}

case "${1:-}" in
  python) python_env ;;
  browser) browser ;;
  *) echo "usage: $0 python|browser" >&2; exit 2 ;;
esac
