# Sourced by run.sh and test.sh: create .venv with the newest Python >= 3.12 found and
# install the project into it, exactly as locked in requirements/. Nothing else needs to be on
# the machine.
set -euo pipefail

say() { printf '%s\n' "$*" >&2; }

find_python() {
  local candidate
  for candidate in python3.14 python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  # pyenv keeps other versions out of PATH; look there before giving up.
  if command -v pyenv >/dev/null 2>&1; then
    local root version
    root=$(pyenv root)
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])' | sort -rV); do
      if [ -x "$root/versions/$version/bin/python3" ]; then
        echo "$root/versions/$version/bin/python3"; return 0
      fi
    done
  fi
  say "Madoguchi needs Python 3.12 or newer; none was found."
  return 1
}

# ensure_venv run|dev: the runtime only (to serve), or with the test and lint tools.
#
# requirements/run.txt and requirements/dev.txt pin every package with its hashes, for every
# Python from 3.12 on (scripts/lock.sh makes them from pyproject.toml), so a fresh clone gets
# exactly what CI tested. The install is skipped when the venv already holds what the lock
# file names (a stamp of the lock's hash), which keeps ./test.sh quick on a second run.
ensure_venv() {
  local set="$1" venv="${MADOGUCHI_VENV:-.venv}"
  local lock="requirements/$set.txt" pip
  if [ ! -x "$venv/bin/python" ]; then
    local python
    python=$(find_python)
    say "Setting up Madoguchi in $venv with $("$python" --version) (first run: a minute or two)…"
    "$python" -m venv "$venv"
  fi
  pip=("$venv/bin/python" -m pip --disable-pip-version-check)
  local stamp="$venv/.madoguchi-installed" want
  if [ -f "$lock" ]; then
    want="$set $(cat "$lock" pyproject.toml | sha256sum | cut -c1-16)"
  else
    want="$set unlocked $(sha256sum pyproject.toml | cut -c1-16)"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    if [ -f "$lock" ]; then
      say "Installing the locked dependencies ($lock)…"
      "${pip[@]}" install --quiet --require-hashes --no-deps -r "$lock"
      "${pip[@]}" install --quiet --no-deps --no-build-isolation -e .
    else
      say "No $lock: installing the newest releases pyproject.toml allows (not what CI tested)."
      local extras=""
      [ "$set" = dev ] && extras="[dev]"
      "${pip[@]}" install --quiet -e ".$extras"
    fi
    echo "$want" >"$stamp"
  fi
  export PATH="$PWD/$venv/bin:$PATH"
}
