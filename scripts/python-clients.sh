#!/usr/bin/env bash
# A virtualenv with the independent Python clients the sandbox is tested against (openstacksdk,
# PyGithub; test/python-clients/requirements.txt), cached outside the repository by the content of
# that file: ${XDG_CACHE_HOME:-~/.cache}/runner-fleet/python-clients-<key>/. Prints the
# virtualenv's python as the LAST LINE OF STDOUT (progress on stderr). Idempotent; well under a
# second when cached, ~15 s with pip's cache warm. Environment: PYTHON (default python3, >= 3.9).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/test/python-clients/requirements.txt"
python="${PYTHON:-python3}"
say() { printf '[python-clients] %s\n' "$*" >&2; }

command -v "$python" >/dev/null || { say "ERROR: $python not found: install Python 3.9 or later (Debian: python3 python3-venv)"; exit 1; }
key="$( (cat "$requirements"; "$python" -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet/python-clients-$key"

# .complete is written last: a run killed halfway leaves no virtualenv that looks usable.
if [ ! -f "$venv/.complete" ]; then
  say "creating $venv (openstacksdk, PyGithub from PyPI)"
  rm -rf "$venv"
  "$python" -m venv "$venv" >&2 || { say "ERROR: '$python -m venv' failed: install the venv module (Debian: python3-venv)"; exit 1; }
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" >&2
  touch "$venv/.complete"
fi
echo "$venv/bin/python"
