# Sourced by run.sh and test.sh: create .venv with the newest Python >= 3.12 found and
# install the project into it. Nothing else needs to be on the machine.
set -euo pipefail

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
  echo "Madoguchi needs Python 3.12 or newer; none was found." >&2
  return 1
}

ensure_venv() {  # $1: the extras to install, e.g. "dev"
  local venv="${MADOGUCHI_VENV:-.venv}"
  if [ ! -x "$venv/bin/python" ]; then
    "$(find_python)" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[$1]"
  export PATH="$PWD/$venv/bin:$PATH"
}
