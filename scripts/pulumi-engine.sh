#!/usr/bin/env bash
# Makes the real Pulumi engine available to the project's tests and CLI, and prints the directory
# holding it as the LAST LINE OF STDOUT (everything else goes to stderr), e.g.
#   PATH="$(scripts/pulumi-engine.sh | tail -n1):$PATH" pulumi version
#
# Why this exists: the Pulumi installer cannot be downloaded on the project's machines; only the Go
# module proxy, npm, PyPI and Debian are reachable. So the CLI is built from the Go modules of the
# same release as the installed `@pulumi/pulumi` npm package (docs: shared reference
# pulumi-engine.md §1).
#
# What ends up in the bin directory:
#   pulumi                          the CLI/engine (built here, or a link to a recent-enough one on PATH)
#   pulumi-language-nodejs          the Node.js language host of the engine's era: the one next to an
#                                   ambient `pulumi`, else a link to the build of scripts/pulumi-plugin.sh
#                                   (from upstream sources: the Go module proxy does not serve it)
#   pulumi-resource-pulumi-nodejs   a link to the project's own dynamic-provider launcher
#                                   (scripts/bin/); the engine looks for bundled plugins next to
#                                   `pulumi`, so it is found even when only `pulumi` is on PATH
#   pulumi-language-python, pulumi-language-yaml
#                                   links to the hosts scripts/pulumi-plugin.sh has ALREADY built
#                                   (this script never builds them: scripts/pulumi-sdk.sh and CI
#                                   do), for Python and YAML programs that use runner-fleet as a
#                                   Pulumi package; bundled plugins too, so found next to `pulumi`
#
# The build goes to a cache OUTSIDE the repository, keyed by version:
#   ${RUNNER_FLEET_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet/pulumi}/<version>/bin
# so a second run (and every other clone on the machine) takes well under a second. A cold build
# downloads ~380 Go modules (2.1 GB module cache, 1.9 GB build cache) and compiles the CLI: about
# 4-11 minutes on 2 cores (measured: 3.5 min on an idle machine, 11 min when the cores are shared).
#
# Options (environment):
#   PULUMI_ENGINE_FORCE_BUILD=1    ignore a `pulumi` on PATH and use/build the cached one
#   PULUMI_ENGINE_REBUILD=1        discard the cached build of this version and build again
#   PULUMI_ENGINE_NO_LANGUAGE_HOST=1  do without pulumi-language-nodejs (Automation API inline
#                                  programs need none) instead of failing when it cannot be had
set -euo pipefail

# Bump when the build recipe below changes, so cached builds made by an older recipe are redone.
readonly RECIPE=2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shim="$root/scripts/bin/pulumi-resource-pulumi-nodejs"
cache_root="${RUNNER_FLEET_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/runner-fleet/pulumi}"
readonly pkg_mod=github.com/pulumi/pulumi/pkg/v3
readonly sdk_mod=github.com/pulumi/pulumi/sdk/v3
readonly clipboard_fork=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e

say() { printf '[pulumi-engine] %s\n' "$*" >&2; }
warn() { printf '[pulumi-engine] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[pulumi-engine] ERROR: %s\n' "$*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Which version do we need?  The engine must be at least as new as the Node SDK the programs use
# (a newer SDK may call engine features an older CLI lacks), so the SDK decides.
# ---------------------------------------------------------------------------------------------

# The version of @pulumi/pulumi that `npm ci` installed; read with sed so that no particular node
# version is needed to run this script.
installed_sdk_version() {
  local pj="$root/node_modules/@pulumi/pulumi/package.json"
  [ -f "$pj" ] || return 0
  sed -n 's/^ *"version": *"\([0-9][^"]*\)".*/\1/p' "$pj" | head -n1
}

# The version package-lock.json pins (used for the "recent enough" check and when node_modules is
# not installed yet).
locked_sdk_version() {
  local lock="$root/package-lock.json"
  [ -f "$lock" ] || return 0
  awk '/"node_modules\/@pulumi\/pulumi": *\{/ { found = 1; next }
       found && /"version":/ { gsub(/.*"version": *"|".*/, ""); print; exit }' "$lock"
}

sdk_version="$(installed_sdk_version)"
locked_version="$(locked_sdk_version)"
if [ -z "$sdk_version" ]; then
  [ -n "$locked_version" ] ||
    die "cannot tell which Pulumi version to use: neither node_modules/@pulumi/pulumi/package.json nor a @pulumi/pulumi entry in package-lock.json exists under $root (run ./dev install first)"
  warn "node_modules/@pulumi/pulumi is not installed; using the version in package-lock.json ($locked_version)"
  sdk_version="$locked_version"
fi
min_version="${locked_version:-$sdk_version}"

# "3.276.0" -> "3 276", for a major.minor comparison.
major_minor() { printf '%s\n' "${1#v}" | awk -F. '{ print $1 + 0, $2 + 0 }'; }
# True when version $1 >= version $2 on major.minor.
at_least() {
  local a b
  read -r -a a <<<"$(major_minor "$1")"
  read -r -a b <<<"$(major_minor "$2")"
  [ "${a[0]}" -gt "${b[0]}" ] || { [ "${a[0]}" -eq "${b[0]}" ] && [ "${a[1]}" -ge "${b[1]}" ]; }
}

# Links the project's dynamic-provider launcher next to `pulumi` (re-done on every run, so the link
# follows the clone that ran the script last; the launcher itself is self-contained).
link_shim() {
  local bin="$1"
  [ -x "$shim" ] || die "the launcher $shim is missing or not executable"
  ln -sfn "$shim" "$bin/pulumi-resource-pulumi-nodejs"
}

# Links the Node.js language host of the engine's era into a bin directory of our own build, from
# scripts/pulumi-plugin.sh (its own cache: rebuilding one never rebuilds the other).
link_language_host() {
  local bin="$1" host_bin
  if host_bin="$(bash "$root/scripts/pulumi-plugin.sh" language nodejs | tail -n1)" && [ -x "$host_bin/pulumi-language-nodejs" ]; then
    ln -sfn "$host_bin/pulumi-language-nodejs" "$bin/pulumi-language-nodejs"
    echo "$(cat "$host_bin/../BUILD_INFO" 2>/dev/null | head -n1 || echo "from $host_bin")" >"$bin/../LANGUAGE_HOST"
  else
    rm -f "$bin/pulumi-language-nodejs"
    echo "none: scripts/pulumi-plugin.sh language nodejs failed (see its message above)" >"$bin/../LANGUAGE_HOST"
  fi
}

# Links the Python and YAML language hosts next to `pulumi` when scripts/pulumi-plugin.sh has one
# already (on PATH or built in its cache); never builds them, so this stays a few milliseconds.
link_other_language_hosts() {
  local bin="$1" lang host_bin
  for lang in python yaml; do
    if host_bin="$(RUNNER_FLEET_PLUGIN_NO_BUILD=1 bash "$root/scripts/pulumi-plugin.sh" language "$lang" 2>/dev/null | tail -n1)" &&
      [ -x "$host_bin/pulumi-language-$lang" ]; then
      [ "$(readlink -f "$host_bin/pulumi-language-$lang")" = "$(readlink -f "$bin/pulumi-language-$lang")" ] ||
        ln -sfn "$host_bin/pulumi-language-$lang" "$bin/pulumi-language-$lang"
    elif [ -L "$bin/pulumi-language-$lang" ] && [ ! -e "$bin/pulumi-language-$lang" ]; then
      rm -f "$bin/pulumi-language-$lang" # a link to a build that is gone
    fi
  done
}

# Prints the result and exits: the bin directory is the last line of stdout.
finish() {
  local bin="$1"
  link_shim "$bin"
  link_other_language_hosts "$bin"
  # LANGUAGE_HOST says where the language host came from (or why there is none); repeated on
  # every run, because it matters to anyone reading a failure of an on-disk program.
  local about="unknown"
  [ -f "$bin/../LANGUAGE_HOST" ] && about="$(cat "$bin/../LANGUAGE_HOST")"
  if [ ! -x "$bin/pulumi-language-nodejs" ]; then
    [ "${PULUMI_ENGINE_NO_LANGUAGE_HOST:-}" = 1 ] || die "no pulumi-language-nodejs: $about; on-disk projects (runtime: nodejs) cannot run (PULUMI_ENGINE_NO_LANGUAGE_HOST=1 accepts that, for Automation API inline programs)"
    warn "no pulumi-language-nodejs: $about; only Automation API inline programs can run"
  else
    say "pulumi-language-nodejs: $about"
  fi
  say "ready: $("$bin/pulumi" version) in $bin"
  printf '%s\n' "$bin"
  exit 0
}

# ---------------------------------------------------------------------------------------------
# 1. A recent-enough `pulumi` already on PATH (e.g. a developer's own install) is used as is.
# ---------------------------------------------------------------------------------------------
if [ "${PULUMI_ENGINE_FORCE_BUILD:-}" != 1 ] && ambient="$(command -v pulumi 2>/dev/null)"; then
  ambient_real="$(readlink -f "$ambient")"
  case "$ambient_real" in
    "$cache_root"/*) ;; # our own cached build put on PATH by a caller: fall through to the cache
    *)
      ambient_version="$("$ambient" version 2>/dev/null | tail -n1 || true)"
      if [ -n "$ambient_version" ] && at_least "$ambient_version" "$min_version"; then
        say "using pulumi $ambient_version from PATH ($ambient_real); it is >= $min_version"
        # A bin dir of links, so callers still get one directory holding everything.
        bin="$cache_root/path-${ambient_version#v}/bin"
        mkdir -p "$bin"
        ln -sfn "$ambient_real" "$bin/pulumi"
        if host="$(command -v pulumi-language-nodejs 2>/dev/null)"; then
          ln -sfn "$(readlink -f "$host")" "$bin/pulumi-language-nodejs"
          echo "from PATH ($(readlink -f "$host"))" >"$bin/../LANGUAGE_HOST"
        elif [ -x "$(dirname "$ambient_real")/pulumi-language-nodejs" ]; then
          ln -sfn "$(dirname "$ambient_real")/pulumi-language-nodejs" "$bin/pulumi-language-nodejs"
          echo "the one next to $ambient_real" >"$bin/../LANGUAGE_HOST"
        else
          link_language_host "$bin"
        fi
        finish "$bin"
      fi
      say "pulumi on PATH ($ambient_real) is ${ambient_version:-of unknown version}, older than $min_version: using the project's own build"
      ;;
  esac
fi

# ---------------------------------------------------------------------------------------------
# 2. The cached build of this version (the warm path: no network, no Go).
# ---------------------------------------------------------------------------------------------
dir="$cache_root/$sdk_version"
bin="$dir/bin"
stamp="$dir/.complete"
is_warm() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "recipe=$RECIPE" ] && [ -x "$bin/pulumi" ]; }

if [ "${PULUMI_ENGINE_REBUILD:-}" != 1 ] && is_warm; then
  link_language_host "$bin"
  finish "$bin"
fi

# ---------------------------------------------------------------------------------------------
# 3. Cold: build from the Go module proxy.
# ---------------------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 ||
  die "Go is not installed, and no pulumi >= $min_version is on PATH: the engine is built from Go modules (install Go >= 1.26, or put a pulumi CLI on PATH)"

mkdir -p "$dir"
# Several test workers may call this at once: one builds, the others wait and then take the warm path.
exec 9>"$dir/.lock"
if ! flock -n 9; then
  say "another process is building pulumi $sdk_version; waiting for it (lock $dir/.lock)"
  flock 9
fi
if [ "${PULUMI_ENGINE_REBUILD:-}" != 1 ] && is_warm; then
  link_language_host "$bin"
  finish "$bin"
fi
rm -f "$stamp"

started=$SECONDS
say "building the Pulumi engine $sdk_version from Go modules into $dir"
say "a cold build downloads ~380 Go modules (2 GB) and compiles the CLI: this takes MINUTES (about 11 on 2 cores); later runs reuse the cache"

# A heartbeat, so a long build is not mistaken for a hang.
heartbeat_pid=
start_heartbeat() {
  local what="$1"
  # The subshell kills its own `sleep` when stopped, and holds neither stdout nor the lock, so an
  # orphaned sleep cannot keep a caller waiting for end-of-output.
  (
    nap=
    trap '[ -n "$nap" ] && kill "$nap" 2>/dev/null; exit 0' TERM
    while :; do
      sleep 60 &
      nap=$!
      wait "$nap"
      printf '[pulumi-engine] ... still %s (%dm elapsed)\n' "$what" $(((SECONDS - started) / 60)) >&2
    done
  ) >/dev/null 9>&- &
  heartbeat_pid=$!
}
stop_heartbeat() {
  if [ -n "$heartbeat_pid" ]; then
    kill "$heartbeat_pid" 2>/dev/null || true
    wait "$heartbeat_pid" 2>/dev/null || true
    heartbeat_pid=
  fi
}
# shellcheck disable=SC2317 # called by the EXIT trap
on_exit() {
  local rc=$?
  stop_heartbeat
  if [ "$rc" -ne 0 ]; then
    printf '[pulumi-engine] ERROR: building the Pulumi engine %s failed (exit %d) after %ds; see the messages above. Work dir: %s\n' \
      "$sdk_version" "$rc" $((SECONDS - started)) "$dir/src" >&2
  fi
}
trap on_exit EXIT

go_version="$(go env GOVERSION)"
say "using $go_version ($(command -v go)), GOPROXY=$(go env GOPROXY)"

# --- 3a. Pick the Go release: the npm version if the proxy has it, else the nearest lower one. ---
go_release="v$sdk_version"
if ! go list -m "$pkg_mod@$go_release" >/dev/null 2>&1 || ! go list -m "$sdk_mod@$go_release" >/dev/null 2>&1; then
  # Releases served for both modules, highest first, keeping those <= the wanted one.
  pkg_versions="$(go list -m -versions "$pkg_mod" | tr ' ' '\n' | tail -n +2)"
  sdk_versions="$(go list -m -versions "$sdk_mod" | tr ' ' '\n' | tail -n +2)"
  go_release="$(comm -12 <(sort <<<"$pkg_versions") <(sort <<<"$sdk_versions") |
    { cat; echo "v$sdk_version"; } | sort -V | sed -n "1,/^v${sdk_version//./\\.}\$/p" |
    grep -vx "v$sdk_version" | tail -n1 || true)"
  [ -n "$go_release" ] || die "the Go module proxy serves no release of $pkg_mod and $sdk_mod <= v$sdk_version"
  warn "the Go module proxy does not serve $pkg_mod/$sdk_mod at v$sdk_version; using the nearest lower release served for both, $go_release (older than the Node SDK $sdk_version)"
fi
say "Go release: $pkg_mod and $sdk_mod @ $go_release"

# --- 3b. The wrapper module. `go install pkg@version` refuses modules with replace directives
# (pkg/go.mod has some), but a wrapper main module may depend on them: their replaces are ignored.
src="$dir/src"
rm -rf "$src"
mkdir -p "$src"
cd "$src"
cat >go.mod <<EOF
// Generated by runner-fleet scripts/pulumi-engine.sh: a wrapper module to build the Pulumi CLI.
module runner-fleet.invalid/pulumi-engine

go ${go_version#go}
EOF
# Upstream replaces atotto/clipboard by this fork (a Windows-only DLL fix); keep parity when served.
if go mod download "$clipboard_fork" >/dev/null 2>&1; then
  go mod edit -replace "github.com/atotto/clipboard=$clipboard_fork"
fi

# --- 3c. Resolve and download all dependencies (the slow network part). ---
start_heartbeat "downloading Go modules"
say "resolving and downloading Go modules ..."
# `tool` lines keep the commands' packages in the module graph (and `go mod tidy` from dropping
# them); sdk/v3 is pinned to the same release explicitly, since the CLI would accept an older one.
build_pkgs=("$pkg_mod/cmd/pulumi")
go get -tool "$pkg_mod/cmd/pulumi@$go_release"
go get "$sdk_mod@$go_release"
go mod tidy
go mod download
stop_heartbeat
# MVS may have raised pkg or sdk above the release.
resolved_pkg="$(go list -m -f '{{.Version}}' "$pkg_mod")"
resolved_sdk="$(go list -m -f '{{.Version}}' "$sdk_mod")"
if [ "$resolved_pkg" != "$go_release" ] || [ "$resolved_sdk" != "$go_release" ]; then
  warn "module resolution chose $pkg_mod@$resolved_pkg and $sdk_mod@$resolved_sdk (wanted $go_release)"
fi
say "modules ready after $((SECONDS - started))s"

# --- 3d. Compile, with the flags of upstream's .goreleaser.yml. The version ldflag matters: it is
# empty otherwise, and the Automation API refuses a CLI whose `pulumi version` is empty.
start_heartbeat "compiling (go build)"
say "compiling ${build_pkgs[*]} (the long part) ..."
tmp_bin="$dir/bin.tmp"
rm -rf "$tmp_bin"
mkdir -p "$tmp_bin"
CGO_ENABLED=0 go build -p 2 -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X $sdk_mod/go/common/version.Version=$go_release" \
  -o "$tmp_bin/" "${build_pkgs[@]}"
stop_heartbeat

# Sanity check before publishing the build.
built_version="$("$tmp_bin/pulumi" version)" || die "the freshly built pulumi does not run"
[ "$built_version" = "$go_release" ] || die "the built pulumi reports version '$built_version', expected $go_release"

rm -rf "$bin"
mv "$tmp_bin" "$bin"
rm -f "$dir/LANGUAGE_HOST_UNAVAILABLE" # written by recipe 1
{
  echo "pulumi $go_release (npm @pulumi/pulumi $sdk_version)"
  echo "built with $go_version on $(date -u +%FT%TZ) in $((SECONDS - started))s"
} >"$dir/BUILD_INFO"
echo "recipe=$RECIPE" >"$stamp"
say "built in $((SECONDS - started))s"
trap - EXIT
link_language_host "$bin"
finish "$bin"
