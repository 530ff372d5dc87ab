#!/usr/bin/env bash
# Set up and run Madoguchi: the desk server with demo data on SQLite at http://127.0.0.1:8000/
# Data lives in ./data (override with MADOGUCHI_DATA_DIR; DATABASE_URL for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/python.sh
ensure_venv dev >/dev/null
export MADOGUCHI_DATA_DIR="${MADOGUCHI_DATA_DIR:-$PWD/data}"
madoguchi manage migrate --verbosity 0
madoguchi manage sync_catalog
madoguchi manage load_demo
port="${PORT:-8000}"
cat <<TXT

  Madoguchi is running at http://127.0.0.1:$port/
  Log in as: demo / madoguchi-demo
  API docs:  http://127.0.0.1:$port/api/v1/docs
  (Ctrl-C stops it. The CLI: .venv/bin/madoguchi assess examples/seed004-sonet-cut-before-end.yaml)

TXT
exec madoguchi manage runserver "127.0.0.1:$port" --noreload
