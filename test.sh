#!/usr/bin/env bash
# Set up (a .venv with the project and its test tools, as locked in requirements/dev.txt;
# Debian's Chromium and a Japanese font for the browser tests when this machine can install
# them) and run the whole test suite, one worker per core (pytest-xdist).
# Extra arguments go to pytest, e.g. ./test.sh -k hours, or ./test.sh -n 0 for one process.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/python.sh
ensure_venv dev

# poppler-utils: pdftotext, pdftoppm and pdffonts read back the card, report and letter PDFs.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" ||
  ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    packages=(chromium fonts-noto-cjk poppler-utils)
    say "Installing Debian's ${packages[*]} for the browser and PDF tests…"
    apt-get install -y -q "${packages[@]}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${packages[@]}" >/dev/null 2>&1; } ||
      say "warning: could not install chromium/poppler; the browser and PDF tests will be skipped"
  else
    say "note: install Debian's chromium, fonts-noto-cjk and poppler-utils to run the browser and PDF tests (skipped otherwise)"
  fi
fi

export MADOGUCHI_DATA_DIR="${MADOGUCHI_DATA_DIR:-$(mktemp -d)}"
workers=(-n "${MADOGUCHI_TEST_WORKERS:-auto}" --dist worksteal)
for arg in "$@"; do
  case "$arg" in -n | -n* | --numprocesses*) workers=() ;; esac
done
say "Running the tests (${MADOGUCHI_TEST_WORKERS:-one worker per core})…"
python -m pytest "${workers[@]}" "$@"
