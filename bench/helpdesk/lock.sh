#!/usr/bin/env bash
# Re-make requirements.txt (every package pinned with its hashes, for Python 3.12 and newer)
# from requirements.in, as scripts/lock.sh does for Madoguchi. uv is installed into a
# throwaway venv; nothing here touches Madoguchi's own lock files.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../../scripts/python.sh"
tools="${HELPDESK_LOCK_VENV:-$here/.venv-lock}"
if [ ! -x "$tools/bin/uv" ]; then
  "$(find_python)" -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
cd "$here"
"$tools/bin/uv" pip compile --quiet --universal --python-version 3.12 --generate-hashes \
  requirements.in -o requirements.txt
echo "bench/helpdesk/requirements.txt updated."
