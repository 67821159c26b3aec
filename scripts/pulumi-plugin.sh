#!/usr/bin/env bash
# Makes a Pulumi plugin that no registry here serves as a binary available, and prints the
# directory holding its executable as the LAST LINE OF STDOUT (progress goes to stderr):
#
#   scripts/pulumi-plugin.sh language nodejs     pulumi-language-nodejs, the engine's-era Node.js host
#   scripts/pulumi-plugin.sh language python     pulumi-language-python, plus its pulumi-language-python-exec
#   scripts/pulumi-plugin.sh language yaml       pulumi-language-yaml (go install from the Go module proxy)
#   scripts/pulumi-plugin.sh resource openstack  pulumi-resource-openstack at @pulumi/openstack's version
#
# Order of preference, first that works:
#   1. already there: for a resource plugin, installed in $PULUMI_HOME (`pulumi plugin ls`) or on
#      PATH; for a language host, on PATH (RUNNER_FLEET_PLUGIN_IGNORE_PATH=1 skips this);
#   2. resource plugins only: `pulumi plugin install resource <name> <version>`, where downloads
#      work (a normal machine);
#   3. built from unmodified upstream sources into a versioned cache outside the repository:
#        ${RUNNER_FLEET_PULUMI_CACHE:-~/.cache/runner-fleet/pulumi}/plugins/<kind>-<name>-<version>/bin
#      The sources are looked for in $RUNNER_FLEET_UPSTREAM, else ../shared/upstream beside this
#      checkout, else beside the checkout this one was cloned from (a CI clone of a local repository):
#        pulumi-openstack-<version>/        github.com/pulumi/pulumi-openstack, tag v<version>, folder provider/
#        pulumi-language-<lang>-<version>/  github.com/pulumi/pulumi, tag v<version>, folder sdk/<lang>/cmd/pulumi-language-<lang>/
#      The YAML host needs no sources: the Go module proxy serves github.com/pulumi/pulumi-yaml, so
#      it is `go install`ed into the same cache.
#   4. otherwise a clear error saying what is missing.
# A build takes minutes cold (a heartbeat says it is alive) and well under a second once cached.
#
# Environment: PULUMI (the pulumi CLI; default: the one on PATH), PULUMI_HOME (as the CLI uses it),
# RUNNER_FLEET_PLUGIN_NO_DOWNLOAD=1 (skip step 2), RUNNER_FLEET_PLUGIN_REBUILD=1 (discard the cached build),
# RUNNER_FLEET_PLUGIN_NO_BUILD=1 (stop before step 3 with exit 3: "is it there already?", in milliseconds).
set -euo pipefail

# The language hosts built from upstream: the release of ../shared/upstream's copies. The engine
# (scripts/pulumi-engine.sh) is newer; the protocol between them is the same (README, "Engine").
readonly LANGUAGE_HOST_VERSION=3.259.0
# The YAML host's release (github.com/pulumi/pulumi-yaml, served by the Go module proxy).
readonly YAML_HOST_VERSION=1.25.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache_root="${RUNNER_FLEET_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet/pulumi}"

say() { printf '[pulumi-plugin] %s\n' "$*" >&2; }
die() {
  printf '[pulumi-plugin] ERROR: %s\n' "$*" >&2
  exit 1
}

[ $# -eq 2 ] || die "usage: $0 language nodejs|python|yaml | resource openstack"
kind="$1" name="$2"
# RECIPE: bump a plugin's number when its build recipe below changes, so cached builds of an older
# recipe are redone (and only that plugin's).
RECIPE=1
case "$kind/$name" in
  language/nodejs) version="$LANGUAGE_HOST_VERSION" ;;
  language/python) version="$LANGUAGE_HOST_VERSION" RECIPE=2 ;; # 2: with pulumi-language-python-exec
  language/yaml) version="$YAML_HOST_VERSION" ;;
  resource/openstack)
    pj="$root/node_modules/@pulumi/openstack/package.json"
    [ -f "$pj" ] || die "cannot tell which openstack plugin to use: $pj is missing (run ./dev install first)"
    version="$(sed -n 's/^ *"version": *"v\{0,1\}\([0-9][^"]*\)".*/\1/p' "$pj" | head -n1)"
    ;;
  *) die "unknown plugin '$kind $name' (known: language nodejs, language python, language yaml, resource openstack)" ;;
esac
exe="pulumi-$kind-$name"
pulumi="${PULUMI:-$(command -v pulumi || true)}"

done_with() {
  say "$exe $version: $2"
  printf '%s\n' "$1"
  exit 0
}

# A resource plugin built here is installed into $PULUMI_HOME as a user would install a file, so the
# engine finds it like any installed plugin (without the PATH route's "ambient plugin" warnings).
built() {
  local from="$1"
  if [ "$kind" = resource ] && [ -n "$pulumi" ]; then
    "$pulumi" plugin install resource "$name" "$version" --file "$from/$exe" --non-interactive >&2 ||
      die "pulumi plugin install resource $name $version --file $from/$exe failed"
    done_with "${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-$name-v$version" "$2, installed into ${PULUMI_HOME:-~/.pulumi}"
  fi
  [ "$kind" = language ] || say "no pulumi CLI on PATH (or in \$PULUMI) to install it with: run \`pulumi plugin install resource $name $version --file $from/$exe\`, or put $from on PATH"
  done_with "$from" "$2"
}

# --- 1. Already there. ---------------------------------------------------------------------------
if [ "$kind" = resource ] && [ -n "$pulumi" ]; then
  installed="${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-$name-v$version"
  if [ -x "$installed/$exe" ]; then done_with "$installed" "installed in ${PULUMI_HOME:-~/.pulumi}"; fi
fi
if [ "${RUNNER_FLEET_PLUGIN_IGNORE_PATH:-}" != 1 ] && ambient="$(command -v "$exe" 2>/dev/null)"; then
  case "$(readlink -f "$ambient")" in
    "$cache_root"/*) ;; # our own build put on PATH by a caller: take the cache path below
    *) done_with "$(dirname "$ambient")" "on PATH ($ambient)" ;;
  esac
fi

# --- 2. Downloaded by the CLI, where downloads work. ---------------------------------------------
if [ "$kind" = resource ] && [ -n "$pulumi" ] && [ "${RUNNER_FLEET_PLUGIN_NO_DOWNLOAD:-}" != 1 ]; then
  say "trying: pulumi plugin install resource $name $version"
  if out="$(timeout 120 "$pulumi" plugin install resource "$name" "$version" --non-interactive 2>&1)"; then
    done_with "${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-$name-v$version" "downloaded by pulumi plugin install"
  fi
  say "no download: $(tail -n1 <<<"$out")"
fi

# --- 3. Built from upstream sources. -------------------------------------------------------------
dir="$cache_root/plugins/$kind-$name-$version"
bin="$dir/bin"
stamp="$dir/.complete"
is_warm() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "recipe=$RECIPE" ] && [ -x "$bin/$exe" ]; }
[ "${RUNNER_FLEET_PLUGIN_REBUILD:-}" != 1 ] && is_warm && built "$bin" "cached build ($(tail -n1 "$dir/BUILD_INFO" 2>/dev/null))"
if [ "${RUNNER_FLEET_PLUGIN_NO_BUILD:-}" = 1 ]; then
  say "$exe $version is not built yet (RUNNER_FLEET_PLUGIN_NO_BUILD=1: not building it)"
  exit 3
fi
command -v go >/dev/null 2>&1 || die "building $exe needs Go (>= 1.25), which is not installed"

folder="pulumi-$name-$version"
[ "$kind" = language ] && folder="pulumi-language-$name-$version"
upstream_candidates() {
  [ -z "${RUNNER_FLEET_UPSTREAM:-}" ] || echo "$RUNNER_FLEET_UPSTREAM"
  echo "$root/../shared/upstream"
  local origin
  origin="$(git -C "$root" remote get-url origin 2>/dev/null || true)"
  case "$origin" in /*) echo "$origin/../shared/upstream" ;; file://*) echo "${origin#file://}/../shared/upstream" ;; esac
}
sources=""
while read -r candidate; do
  if [ -d "$candidate/$folder" ]; then sources="$(cd "$candidate/$folder" && pwd)" && break; fi
done < <(upstream_candidates)
if [ -z "$sources" ] && [ "$name" != yaml ]; then
  case "$kind" in
    resource) from="github.com/pulumi/pulumi-$name, tag v$version, folder provider/ (plus LICENSE)" ;;
    language) from="github.com/pulumi/pulumi, tag v$version, folder sdk/$name/cmd/pulumi-language-$name/ (plus LICENSE)" ;;
  esac
  die "$exe $version is not installed$([ "$kind" = resource ] && echo ", \`pulumi plugin install resource $name $version\` could not download it,") and no upstream sources were found: looked for $folder/ in $(upstream_candidates | paste -sd, - | sed 's/,/, /g'). Set RUNNER_FLEET_UPSTREAM to a folder holding $folder/ ($from), or install the plugin another way."
fi

mkdir -p "$dir"
exec 9>"$dir/.lock"
if ! flock -n 9; then
  say "another process is building $exe $version; waiting for it"
  flock 9
fi
[ "${RUNNER_FLEET_PLUGIN_REBUILD:-}" != 1 ] && is_warm && built "$bin" "built by another process"
rm -f "$stamp"

started=$SECONDS
say "building $exe $version from ${sources:-the Go module proxy} into $dir (minutes when Go's caches are cold; once per machine)"
# The subshell kills its own `sleep` when stopped: an orphaned sleep would hold stderr open and keep
# a caller that reads it (a pipe, a test's spawn) waiting for up to a minute after the build.
heartbeat() {
  (
    nap=
    trap '[ -n "$nap" ] && kill "$nap" 2>/dev/null; exit 0' TERM
    while :; do
      sleep 60 &
      nap=$!
      wait "$nap"
      printf '[pulumi-plugin] ... still building %s (%dm elapsed)\n' "$exe" $(((SECONDS - started) / 60)) >&2
    done
  ) >/dev/null 9>&- &
  beat=$!
}
beat=
heartbeat
trap '[ -z "$beat" ] || { kill "$beat" 2>/dev/null; wait "$beat" 2>/dev/null; } || true' EXIT

# The shared folder is read-only: build in a scratch copy.
src="$dir/src"
rm -rf "$src" "$bin.tmp"
mkdir -p "$bin.tmp" "$src"
if [ -n "$sources" ]; then
  cp -R "$sources/." "$src"
  chmod -R u+w "$src"
fi
case "$kind/$name" in
  language/yaml)
    cd "$src"
    # A released module without replace directives: `go install module@version` builds it as is.
    GOBIN="$bin.tmp" CGO_ENABLED=0 go install -p 2 -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$version" \
      "github.com/pulumi/pulumi-yaml/cmd/$exe@v$version"
    ;;
  resource/*)
    cd "$src/provider"
    # Upstream's `go generate` step only writes schema-embed.json: schema.json with the version set.
    schema="cmd/$exe/schema.json"
    sed '0,/^{/s//{\n    "version": "'"$version"'",/' "$schema" >"cmd/$exe/schema-embed.json"
    module="$(sed -n 's/^module //p' go.mod)"
    # -mod=mod: go build fetches only what it needs (some test-only modules of the graph are refused).
    GOFLAGS=-mod=mod CGO_ENABLED=0 go build -p 2 -trimpath -ldflags "-s -w -X $module/pkg/version.Version=$version" -o "$bin.tmp/$exe" "./cmd/$exe"
    ;;
  language/*)
    cd "$src"
    # Its go.mod points pkg/v3 and sdk/v3 at the monorepo: take the released modules instead.
    go mod edit -dropreplace github.com/pulumi/pulumi/pkg/v3 -dropreplace github.com/pulumi/pulumi/sdk/v3 \
      -require "github.com/pulumi/pulumi/pkg/v3@v$version" -require "github.com/pulumi/pulumi/sdk/v3@v$version"
    GOFLAGS=-mod=mod go mod tidy
    CGO_ENABLED=0 go build -p 2 -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" -o "$bin.tmp/$exe" .
    if [ "$name" = python ]; then
      # The host runs programs through this script, which it looks for next to its own executable;
      # it is in the sdk/v3 module of the same release (python/cmd/), now in Go's module cache.
      exec_script="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)/python/cmd/pulumi-language-python-exec"
      [ -f "$exec_script" ] || die "the sdk/v3 module v$version has no $exec_script"
      install -m 0755 "$exec_script" "$bin.tmp/pulumi-language-python-exec"
    fi
    ;;
esac
cd "$dir"
rm -rf "$bin" "$src"
mv "$bin.tmp" "$bin"
printf '%s %s from %s\nbuilt with %s on %s in %ss\n' "$exe" "$version" "${sources:-the Go module proxy}" "$(go env GOVERSION)" "$(date -u +%FT%TZ)" $((SECONDS - started)) >"$dir/BUILD_INFO"
echo "recipe=$RECIPE" >"$stamp"
built "$bin" "built in $((SECONDS - started))s"
