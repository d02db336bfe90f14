#!/usr/bin/env bash
# Everything a fresh Debian machine needs to run the crawler and its tests:
# Debian's Chromium and CJK fonts (apt), then this project and its Python dependencies (pip).
# Idempotent: re-running skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

apt_packages=()
command -v chromium >/dev/null 2>&1 || apt_packages+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || apt_packages+=(fonts-noto-cjk)
command -v redis-server >/dev/null 2>&1 || apt_packages+=(redis-server)  # tests/test_distributed.py
if [ "${#apt_packages[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${apt_packages[*]} (apt)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_packages[@]}" >/dev/null
  else
    echo "setup: no apt-get; install Chromium yourself or run 'playwright install chromium'" >&2
  fi
fi

PY=${PYTHON:-python3}
# pip runs again whenever pyproject.toml changed since the last successful install
stamp=".setup-stamp"
want="$(sha256sum pyproject.toml setup.py 2>/dev/null | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! command -v reachability >/dev/null 2>&1 \
   || ! "$PY" -c "import crawler, scrapy_playwright" >/dev/null 2>&1; then
  echo "setup: installing the project and its dependencies (pip)"
  "$PY" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
  echo "$want" > "$stamp"
fi
# Debian's Chromium is used when present; elsewhere fall back to Playwright's own build.
if ! command -v chromium >/dev/null 2>&1; then
  "$PY" -m playwright install chromium || echo "setup: no Chromium available" >&2
fi
