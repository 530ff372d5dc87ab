#!/usr/bin/env bash
# Make bench/helpdesk/.venv: django-helpdesk 2.6.1 and its dependencies exactly as locked in
# requirements.txt (with hashes), on the newest Python >= 3.12 that scripts/python.sh finds.
# Only the side-by-side benchmark uses it (bench/README.md); Madoguchi's venv, lock files and
# CI never see it. A second run does nothing unless requirements.txt changed.
#
#   bench/helpdesk/setup.sh        (about 20 s the first time)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../scripts/python.sh"
venv="${HELPDESK_VENV:-$here/.venv}"
if [ ! -x "$venv/bin/python" ]; then
  python=$(find_python)
  say "Setting up django-helpdesk in $venv with $("$python" --version)…"
  "$python" -m venv "$venv"
fi
stamp="$venv/.helpdesk-installed"
want="$(sha256sum "$here/requirements.txt" | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "Installing the locked dependencies (bench/helpdesk/requirements.txt)…"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    --require-hashes --no-deps -r "$here/requirements.txt"
  echo "$want" >"$stamp"
fi
"$venv/bin/python" -c 'from importlib.metadata import version as v
print("django-helpdesk", v("django-helpdesk"), "on Django", v("django"))'
