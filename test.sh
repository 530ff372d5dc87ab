#!/usr/bin/env bash
# Set up (a .venv with the project and its test tools; Debian's Chromium and a Japanese font
# for the browser test when this machine can install them) and run the whole test suite.
# Extra arguments go to pytest, e.g. ./test.sh -k hours
set -euo pipefail
cd "$(dirname "$0")"
source scripts/python.sh
ensure_venv dev

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    packages=(chromium fonts-noto-cjk)
    apt-get install -y -q "${packages[@]}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${packages[@]}" >/dev/null 2>&1; } ||
      echo "warning: could not install chromium; the browser test will be skipped" >&2
  else
    echo "note: install Debian's chromium to run the browser test (it is skipped otherwise)" >&2
  fi
fi

export MADOGUCHI_DATA_DIR="${MADOGUCHI_DATA_DIR:-$(mktemp -d)}"
python -m pytest "$@"
