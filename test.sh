#!/usr/bin/env bash
# Set up (a .venv with the project and its test tools) and run the whole test suite.
# Extra arguments go to pytest, e.g. ./test.sh -k hours
set -euo pipefail
cd "$(dirname "$0")"
source scripts/python.sh
ensure_venv dev
python -m pytest "$@"
