#!/usr/bin/env bash
# Re-make the lock files requirements/run.txt and requirements/dev.txt from pyproject.toml:
# every package pinned with its hashes, one resolution valid for Python 3.12 and newer.
#
#   scripts/lock.sh             keep every pin that still fits; add what pyproject.toml added
#   scripts/lock.sh --upgrade   move every package to its newest release allowed
#
# Then run ./test.sh (it installs from the new lock) and commit requirements/ with the reason.
# uv does the resolving (it can lock for several Python versions at once); it is installed into
# a throwaway venv here, so neither the product nor its users need it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/python.sh
tools="${MADOGUCHI_LOCK_VENV:-.venv-lock}"
if [ ! -x "$tools/bin/uv" ]; then
  "$(find_python)" -m venv "$tools"
  "$tools/bin/python" -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
fi
compile=("$tools/bin/uv" pip compile --quiet --universal --python-version 3.12 --generate-hashes
  pyproject.toml requirements/build.in "$@")
"${compile[@]}" --extra dev -o requirements/dev.txt
# The runtime set is the same resolution without the dev tools: constrained by dev.txt, so
# a package is the same version in both files.
"${compile[@]}" -c requirements/dev.txt -o requirements/run.txt
echo "requirements/run.txt and requirements/dev.txt updated."
