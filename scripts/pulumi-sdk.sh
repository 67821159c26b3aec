#!/usr/bin/env bash
# Makes runner-fleet usable from another Pulumi language, as a Pulumi package (SPEC §11), and
# prints the directory of the result as the LAST LINE OF STDOUT (progress goes to stderr):
#
#   scripts/pulumi-sdk.sh python [--link DIR]  a virtualenv with the `pulumi` SDK from PyPI and the
#                                              `runner_fleet` SDK generated from the schema; --link
#                                              DIR makes DIR a link to it (a project's `virtualenv:`)
#   scripts/pulumi-sdk.sh yaml                 the YAML language host next to the engine (a YAML
#                                              program needs no SDK: the host reads the schema from
#                                              the provider); prints the engine's bin directory
#   scripts/pulumi-sdk.sh go                   the Go SDK generated from the schema: a module
#                                              directory, vetted against the engine's sdk/v3
#
# The SDKs are never written by hand: the engine's own generator makes them from schema/schema.json
# (`pulumi package gen-sdk <schema> --language python`, which runs the language host's generator),
# the way pulumi-awsx ships its SDKs. Each result is cached outside the repository, keyed by the
# schema's content and every version that goes into it:
#   ${RUNNER_FLEET_PULUMI_CACHE:-~/.cache/runner-fleet/pulumi}/sdk/<language>-<key>/
# so a second run takes well under a second; a changed schema makes a new one (results unused for
# a week are removed). The language hosts come from scripts/pulumi-plugin.sh and the engine from
# scripts/pulumi-engine.sh, which links the hosts next to `pulumi`.
#
# Environment: RUNNER_FLEET_SCHEMA (the schema; default schema/schema.json), PYTHON (default
# python3, >= 3.9), RUNNER_FLEET_PULUMI_PYPI_VERSION (the `pulumi` PyPI release; default below),
# RUNNER_FLEET_SDK_REBUILD=1 (discard the cached result).
set -euo pipefail

# The newest `pulumi` release PyPI serves here; the engine (3.276) is newer, which is the supported
# direction (an engine at least as new as the SDK).
readonly PULUMI_PYPI_VERSION="${RUNNER_FLEET_PULUMI_PYPI_VERSION:-3.272.0}"
# Bump when a recipe below changes, so cached results of an older recipe are redone.
readonly RECIPE=1

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${RUNNER_FLEET_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet/pulumi}"

say() { printf '[pulumi-sdk] %s\n' "$*" >&2; }
die() {
  printf '[pulumi-sdk] ERROR: %s\n' "$*" >&2
  exit 1
}

usage="usage: $0 python [--link DIR] | yaml | go"
[ $# -ge 1 ] || die "$usage"
language="$1"
shift
link=""
while [ $# -gt 0 ]; do
  case "$1" in
    --link) [ $# -ge 2 ] || die "$usage" && link="$2" && shift 2 ;;
    *) die "$usage" ;;
  esac
done
case "$language" in python | yaml | go) ;; *) die "unknown language '$language' ($usage)" ;; esac
[ -z "$link" ] || [ "$language" = python ] || die "--link is for python only"

# --- The engine, with the language host linked next to it (Go: no host, see pulumi-sdk-go.sh). ----
[ "$language" = go ] || bash "$root/scripts/pulumi-plugin.sh" language "$language" >/dev/null
engine_bin="$(bash "$root/scripts/pulumi-engine.sh" | tail -n1)"
pulumi="$engine_bin/pulumi"
if [ "$language" = go ]; then
  # shellcheck source=scripts/pulumi-sdk-go.sh
  . "$root/scripts/pulumi-sdk-go.sh"
  generator="$(go_generator_id)"
else
  [ -x "$engine_bin/pulumi-language-$language" ] ||
    die "scripts/pulumi-engine.sh did not link pulumi-language-$language into $engine_bin"
  generator="$(readlink -f "$engine_bin/pulumi-language-$language")" # a versioned cache path
fi
if [ "$language" = yaml ]; then
  say "pulumi-language-yaml is next to pulumi in $engine_bin (YAML programs need no generated SDK)"
  printf '%s\n' "$engine_bin"
  exit 0
fi

schema="${RUNNER_FLEET_SCHEMA:-$root/schema/schema.json}"
[ -f "$schema" ] || die "no package schema at $schema (set RUNNER_FLEET_SCHEMA to the runner-fleet schema.json)"

# --- The cache key: everything the result is made of. ------------------------------------------
python="${PYTHON:-python3}"
if [ "$language" = python ]; then
  command -v "$python" >/dev/null 2>&1 || die "no $python: a Python >= 3.9 is needed (or set PYTHON)"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 9))' ||
    die "$("$python" -V 2>&1) is too old: the generated SDK needs Python >= 3.9 (set PYTHON)"
fi
key="$({
  echo "recipe $RECIPE"
  echo "engine $("$pulumi" version)"
  echo "generator $generator"
  [ "$language" != python ] || echo "pypi pulumi $PULUMI_PYPI_VERSION, $("$python" -c 'import sys; print(sys.executable, sys.version)')"
  cat "$schema"
} | sha256sum | cut -c1-16)"
dir="$cache_root/sdk/$language-$key"
stamp="$dir/.complete"
result="$dir/venv"
[ "$language" = go ] && result="$dir/sdk/go/runner-fleet"

finish() {
  touch "$dir/.used"
  if [ -n "$link" ]; then
    if [ -e "$link" ] && [ ! -L "$link" ]; then die "--link $link: it exists and is not a link (remove it first)"; fi
    ln -sfn "$result" "$link"
    say "$link -> $result"
  fi
  say "$1"
  printf '%s\n' "$result"
  exit 0
}
is_warm() { [ "${RUNNER_FLEET_SDK_REBUILD:-}" != 1 ] && [ -f "$stamp" ] && [ -d "$result" ]; }
is_warm && finish "cached: $(head -n1 "$dir/BUILD_INFO" 2>/dev/null)"

mkdir -p "$dir"
exec 9>"$dir/.lock"
if ! flock -n 9; then
  say "another process is making this SDK; waiting for it"
  flock 9
fi
is_warm && finish "made by another process"
rm -f "$stamp"
started=$SECONDS

# --- Generation: the engine's `package gen-sdk`, offline, with a scratch PULUMI_HOME. --------------
gen_sdk() {
  local lang="$1"
  rm -rf "$dir/sdk/$lang" "$dir/home"
  say "generating the $lang SDK from $schema"
  PULUMI_HOME="$dir/home" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true \
    PATH="$engine_bin:$PATH" "$pulumi" package gen-sdk "$schema" --language "$lang" --out "$dir/sdk" --non-interactive >&2
  rm -rf "$dir/home"
}

case "$language" in
  python)
    gen_sdk python
    rm -rf "$result"
    say "creating a virtualenv with $("$python" -V 2>&1) and pulumi $PULUMI_PYPI_VERSION (PyPI)"
    if ! "$python" -m venv "$result" >&2; then
      die "'$python -m venv' failed: on Debian/Ubuntu install python3-venv (apt-get install python3-venv), or set PYTHON to a Python with venv"
    fi
    "$result/bin/python" -m pip install --quiet --disable-pip-version-check "pulumi==$PULUMI_PYPI_VERSION" >&2
    # A regular (not editable) install: the venv stays valid when the generated sources are redone.
    "$result/bin/python" -m pip install --quiet --disable-pip-version-check "$dir/sdk/python" >&2
    "$result/bin/python" -c 'import pulumi, runner_fleet; runner_fleet.RunnerFleet' ||
      die "the virtualenv $result cannot import runner_fleet.RunnerFleet"
    what="venv: pulumi $PULUMI_PYPI_VERSION + runner_fleet $("$result/bin/python" -c 'import importlib.metadata as m; print(m.version("runner_fleet"))')"
    ;;
  go)
    what="Go SDK: module $(gen_go)"
    ;;
esac

{
  echo "$what, from $schema, in $((SECONDS - started))s"
  echo "engine $("$pulumi" version), made on $(date -u +%FT%TZ)"
} >"$dir/BUILD_INFO"
echo "recipe=$RECIPE" >"$stamp"
# Results unused for a week (an old schema's) go; this one was just made.
find "$cache_root/sdk" -mindepth 1 -maxdepth 1 -type d -name "$language-*" ! -path "$dir" \
  -exec sh -c '[ -z "$(find "$1/.used" -mtime -7 2>/dev/null)" ] && rm -rf "$1"' _ {} \; 2>/dev/null || true
finish "made in $((SECONDS - started))s"
