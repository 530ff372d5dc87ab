#!/usr/bin/env bash
# Set up and run Madoguchi on the demo site files (no database, no network needed).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/python.sh
ensure_venv dev >/dev/null
for site in examples/*.yaml; do
  madoguchi assess "$site"
  echo
done
echo "Try: .venv/bin/madoguchi assess examples/seed004-cut-before-end.yaml --lang en"
