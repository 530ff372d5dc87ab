#!/usr/bin/env bash
# Set up and run Madoguchi: the desk server with demo data on SQLite at http://127.0.0.1:8000/
# Data lives in ./data (override with MADOGUCHI_DATA_DIR; DATABASE_URL for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/python.sh
port="${PORT:-8000}"
python=$(find_python)

# The port first: learning it is taken after a minute of installing helps nobody.
if ! "$python" -c "import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1])))" \
  "$port" 2>/dev/null; then
  say "Port $port is already in use: stop what runs there, or choose another: PORT=8001 ./run.sh"
  exit 1
fi

ensure_venv run  # the runtime only: serving needs none of the test tools
export MADOGUCHI_DATA_DIR="${MADOGUCHI_DATA_DIR:-$PWD/data}"
say "Preparing the database in $MADOGUCHI_DATA_DIR (migrations, the catalog, the demo)…"
madoguchi manage migrate --verbosity 0
madoguchi manage sync_catalog >/dev/null
madoguchi manage load_demo >/dev/null
say "Starting the server…"
madoguchi manage runserver "127.0.0.1:$port" --noreload &
server=$!
# The background worker (bill imports, money summaries; every minute the notifications and
# reminders, which it queues itself): tasks on the database.
madoguchi manage worker --no-reload --verbosity 0 &
worker=$!
trap 'kill "$server" "$worker" 2>/dev/null' INT TERM EXIT
# Say "running" only once the server answers: a port taken meanwhile ends the server instead.
if ! python - "$port" "$server" <<'PY'
import os, sys, time, urllib.request, urllib.error
port, pid = sys.argv[1], int(sys.argv[2])
for _ in range(300):
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit(1)  # the server stopped (e.g. the port is taken): its error is above
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)  # it answered
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
then
  say "Madoguchi did not start on port $port (is it taken? PORT=8001 ./run.sh uses another)."
  exit 1
fi
cat <<TXT

  Madoguchi is running at http://127.0.0.1:$port/
  Log in as: demo / madoguchi-demo
  API docs:  http://127.0.0.1:$port/api/v1/docs
  Background worker: running beside it (bill imports, money summaries, reminders, notifications)
  (Ctrl-C stops it. The CLI: .venv/bin/madoguchi assess examples/seed004-sonet-cut-before-end.yaml)

TXT
wait "$server"
