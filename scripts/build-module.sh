#!/usr/bin/env bash
# Builds the native engine and assembles a ready-to-import WritebackDiagnostics module folder
# (Linux and macOS; Windows uses scripts/Build-Module.ps1).
#
#   scripts/build-module.sh [--out DIR] [--profile debug|release] [--no-build] [SHIM]
#   scripts/build-module.sh [--out DIR] --native RID=PATH [--native RID=PATH ...] [SHIM]
#
#   --out DIR          output folder (default: <target dir>/module/WritebackDiagnostics)
#   --profile NAME     cargo profile to build and package: release (default) or debug
#   --release          the same as --profile release (the default)
#   --no-build         package an engine that is already built instead of running cargo
#   --native RID=PATH  package this prebuilt engine for RID (win-x64, win-arm64, linux-x64,
#                      linux-arm64, osx-x64, osx-arm64) instead of building one; repeat it
#                      to assemble one module for several platforms (the release workflow)
#   SHIM: --shim-dll   build the precompiled C# shim, failing if dotnet is missing
#         --no-shim-dll  leave it out (the module compiles Native/WbdNative.cs at first use)
#         (default: build it when dotnet is on PATH, else say so and leave it out)
#
# The shim, Native/WbdNative.dll, is powershell/WbdNative/WbdNative.csproj (netstandard2.0,
# compiled from the module's own Native/WbdNative.cs); building it needs the .NET SDK and the
# NETStandard.Library package from NuGet. A failed build stops this script.
#
# The result is powershell/WritebackDiagnostics/ plus each engine at
# runtimes/<rid>/native/<file>, the only place the module loads it from; <file> is
# writeback_diagnostics.dll (win-*), libwriteback_diagnostics.so (linux-*) or
# libwriteback_diagnostics.dylib (osx-*), whatever the file given to --native is called.
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
natives=()
shim=auto

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
        --release)
            profile=release
            shift
            ;;
        --no-build)
            build=0
            shift
            ;;
        --native)
            [ $# -ge 2 ] || die "--native needs RID=PATH"
            natives+=("$2")
            shift 2
            ;;
        --native=*)
            natives+=("${1#--native=}")
            shift
            ;;
        --shim-dll)
            shim=require
            shift
            ;;
        --no-shim-dll)
            shim=skip
            shift
            ;;
        -h | --help)
            sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'
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

# The file name the module loader (Private/Get-WbdNativeLibraryPath.ps1) expects for a rid.
library_for_rid() {
    case $1 in
        win-x64 | win-arm64) printf 'writeback_diagnostics.dll' ;;
        linux-x64 | linux-arm64) printf 'libwriteback_diagnostics.so' ;;
        osx-x64 | osx-arm64) printf 'libwriteback_diagnostics.dylib' ;;
        *) return 1 ;;
    esac
}

# rid=path pairs to package, in the order given.
pairs=()
if [ ${#natives[@]} -gt 0 ]; then
    for spec in "${natives[@]}"; do
        case $spec in
            *=?*) ;;
            *) die "--native takes RID=PATH, not '$spec'" ;;
        esac
        rid=${spec%%=*}
        path=${spec#*=}
        library_for_rid "$rid" >/dev/null || die "unknown rid '$rid' in --native; the module knows win-x64, win-arm64, linux-x64, linux-arm64, osx-x64, osx-arm64"
        [ -f "$path" ] || die "--native $rid: no file at $path"
        for seen in "${pairs[@]+"${pairs[@]}"}"; do
            [ "${seen%%=*}" != "$rid" ] || die "--native $rid is given twice"
        done
        pairs+=("$rid=$path")
    done
    profile=prebuilt
else
    case $(uname -s) in
        Linux) os=linux ;;
        Darwin) os=osx ;;
        *) die "unsupported OS '$(uname -s)'; on Windows run scripts/Build-Module.ps1" ;;
    esac
    case $(uname -m) in
        x86_64 | amd64) arch=x64 ;;
        aarch64 | arm64) arch=arm64 ;;
        *) die "unsupported architecture '$(uname -m)'; the module knows x64 and arm64" ;;
    esac
    rid=$os-$arch
    library=$(library_for_rid "$rid")

    if [ "$build" -eq 1 ]; then
        # shellcheck disable=SC2086 # the command is a fixed word list
        (cd "$repo" && $build_command)
    fi

    built=$target_dir/$profile/$library
    [ -f "$built" ] || die "the engine was not found at $built; build it with '$build_command' or drop --no-build"
    pairs+=("$rid=$built")
fi

# Only ever delete a folder this script made before.
if [ -e "$out" ]; then
    [ -f "$out/WritebackDiagnostics.psd1" ] || die "$out exists and is not a module folder built by this script; choose another --out"
    rm -rf -- "$out"
fi
mkdir -p -- "$out"

# The module's own files only: no runtimes/ from the source tree, no tests, no VCS or editor
# leftovers.
source_dir=$repo/powershell/WritebackDiagnostics
(cd "$source_dir" && tar --exclude=./runtimes --exclude='*.Tests.ps1' --exclude='.git*' \
    --exclude='.DS_Store' --exclude='*~' --exclude='*.swp' -cf - .) | (cd "$out" && tar -xf -)

rids=()
for pair in "${pairs[@]}"; do
    rid=${pair%%=*}
    library=$(library_for_rid "$rid")
    mkdir -p -- "$out/runtimes/$rid/native"
    cp -- "${pair#*=}" "$out/runtimes/$rid/native/$library"
    [ -f "$out/runtimes/$rid/native/$library" ] || die "engine missing in $out for $rid"
    rids+=("$rid")
done

# The precompiled shim. One build folder per target dir, so repeated runs are incremental;
# the lock keeps concurrent runs (the packaging tests) from sharing it at the same time.
shim_note="shim compiled at first use"
if [ "$shim" != skip ]; then
    if command -v dotnet >/dev/null 2>&1; then
        shim_dir=$target_dir/wbdnative
        mkdir -p -- "$shim_dir"
        log=$shim_dir/build.log
        export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
        if ! (
            if command -v flock >/dev/null 2>&1; then
                exec 9>"$shim_dir/.lock"
                flock 9
            fi
            dotnet build "$repo/powershell/WbdNative/WbdNative.csproj" --configuration Release --nologo \
                "-p:BaseIntermediateOutputPath=$shim_dir/obj/" --output "$shim_dir/bin" >"$log" 2>&1 &&
                cp -- "$shim_dir/bin/WbdNative.dll" "$out/Native/WbdNative.dll"
        ); then
            cat -- "$log" >&2
            die "building the precompiled shim (powershell/WbdNative/WbdNative.csproj) failed (log above, also in $log); it restores NETStandard.Library 2.0.3 from NuGet, so check that NuGet is reachable, or pass --no-shim-dll to leave the shim out"
        fi
        shim_note="precompiled shim Native/WbdNative.dll"
    elif [ "$shim" = require ]; then
        die "--shim-dll: dotnet (the .NET SDK) is not on PATH, so the precompiled shim cannot be built"
    else
        printf 'build-module.sh: dotnet is not on PATH, so the precompiled shim Native/WbdNative.dll is left out; the module compiles Native/WbdNative.cs with Add-Type at first use instead\n' >&2
    fi
fi

[ -f "$out/WritebackDiagnostics.psd1" ] || die "module manifest missing in $out"
out=$(cd "$out" && pwd)
printf 'Module ready: %s (engines %s, %s build, %s)\n' "$out" "${rids[*]}" "$profile" "$shim_note"
printf "Import it with: Import-Module '%s'\n" "$out/WritebackDiagnostics.psd1"
