#!/usr/bin/env bash
# Set up (a .venv with the project and its test tools; Debian's Chromium and a Japanese font
# for the browser test when this machine can install them) and run the whole test suite.
# Extra arguments go to pytest, e.g. ./test.sh -k hours
set -euo pipefail
cd "$(dirname "$0")"
source scripts/python.sh
ensure_venv dev

# poppler-utils: pdftotext, pdftoppm and pdffonts read back the card, report and letter PDFs.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" ||
  ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    packages=(chromium fonts-noto-cjk poppler-utils)
    apt-get install -y -q "${packages[@]}" >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "${packages[@]}" >/dev/null 2>&1; } ||
      echo "warning: could not install chromium/poppler; the browser and PDF tests will be skipped" >&2
  else
    echo "note: install Debian's chromium, fonts-noto-cjk and poppler-utils to run the browser and PDF tests (skipped otherwise)" >&2
  fi
fi

export MADOGUCHI_DATA_DIR="${MADOGUCHI_DATA_DIR:-$(mktemp -d)}"
python -m pytest "$@"
