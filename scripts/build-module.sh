#!/usr/bin/env bash
# Builds the native engine and assembles a ready-to-import WritebackDiagnostics module folder
# (Linux and macOS; Windows uses scripts/Build-Module.ps1).
#
#   scripts/build-module.sh [--out DIR] [--profile debug|release] [--no-build]
#
#   --out DIR        output folder (default: <target dir>/module/WritebackDiagnostics)
#   --profile NAME   cargo profile to build and package: release (default) or debug
#   --no-build       package an engine that is already built instead of running cargo
#
# The result is powershell/WritebackDiagnostics/ plus the engine at
# runtimes/<rid>/native/lib<name>.so|.dylib, the only place the module loads it from.
set -euo pipefail

die() {
    printf 'build-module.sh: %s\n' "$*" >&2
    exit 1
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$repo/target}
case $target_dir in
    /*) ;;
    *) target_dir=$repo/$target_dir ;;
esac
out=""
profile=release
build=1

while [ $# -gt 0 ]; do
    case $1 in
        --out)
            [ $# -ge 2 ] || die "--out needs a directory"
            out=$2
            shift 2
            ;;
        --out=*)
            out=${1#--out=}
            shift
            ;;
        --profile)
            [ $# -ge 2 ] || die "--profile needs debug or release"
            profile=$2
            shift 2
            ;;
        --profile=*)
            profile=${1#--profile=}
            shift
            ;;
        --no-build)
            build=0
            shift
            ;;
        -h | --help)
            sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            die "unknown argument '$1' (see --help)"
            ;;
    esac
done

case $profile in
    release) build_command="cargo build --lib --release" ;;
    debug) build_command="cargo build --lib" ;;
    *) die "--profile must be debug or release, not '$profile'" ;;
esac
[ -n "$out" ] || out=$target_dir/module/WritebackDiagnostics

case $(uname -s) in
    Linux)
        os=linux
        library=libwriteback_diagnostics.so
        ;;
    Darwin)
        os=osx
        library=libwriteback_diagnostics.dylib
        ;;
    *) die "unsupported OS '$(uname -s)'; on Windows run scripts/Build-Module.ps1" ;;
esac
case $(uname -m) in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unsupported architecture '$(uname -m)'; the module knows x64 and arm64" ;;
esac
rid=$os-$arch

if [ "$build" -eq 1 ]; then
    # shellcheck disable=SC2086 # the command is a fixed word list
    (cd "$repo" && $build_command)
fi

built=$target_dir/$profile/$library
[ -f "$built" ] || die "the engine was not found at $built; build it with '$build_command' or drop --no-build"

# Only ever delete a folder this script made before.
if [ -e "$out" ]; then
    [ -f "$out/WritebackDiagnostics.psd1" ] || die "$out exists and is not a module folder built by this script; choose another --out"
    rm -rf -- "$out"
fi
mkdir -p -- "$out/runtimes/$rid/native"

source_dir=$repo/powershell/WritebackDiagnostics
(cd "$source_dir" && tar --exclude=./runtimes -cf - .) | (cd "$out" && tar -xf -)
cp -- "$built" "$out/runtimes/$rid/native/$library"

[ -f "$out/WritebackDiagnostics.psd1" ] || die "module manifest missing in $out"
[ -f "$out/runtimes/$rid/native/$library" ] || die "engine missing in $out"
out=$(cd "$out" && pwd)
printf 'Module ready: %s (engine %s, %s build)\n' "$out" "$rid" "$profile"
printf "Import it with: Import-Module '%s'\n" "$out/WritebackDiagnostics.psd1"
