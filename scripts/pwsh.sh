#!/usr/bin/env bash
# PowerShell 7.6 for machines without an installed pwsh: `scripts/pwsh.sh ARGS...` behaves
# like `pwsh ARGS...` (-NoProfile, -NonInteractive, -Command, -File, exit codes).
#
# The shell is tools/pwsh, a console program that starts PowerShell's own console host from
# the Microsoft.PowerShell.SDK NuGet package. It is published on first use (and again when its
# project changes) into target/pwsh/ (WBD_PWSH_DIR overrides), restoring the SDK and Pester
# from NuGet; the built-in modules and Pester land in its Modules folder ($PSHOME/Modules),
# which is also put on PSModulePath. Build output goes to stderr, and only on failure, so the
# first call prints what pwsh would print.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/tools/pwsh"
out="${WBD_PWSH_DIR:-$root/target/pwsh}"
stamp="$out/.built"

if ! command -v dotnet >/dev/null 2>&1; then
    echo "scripts/pwsh.sh: dotnet (the .NET 10 SDK) is not on PATH; it is needed to build PowerShell from the Microsoft.PowerShell.SDK package (https://learn.microsoft.com/dotnet/core/install/linux-debian)." >&2
    exit 127
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off

# PowerShell keeps its personal module folder and history under HOME; a missing HOME breaks
# commands such as ForEach-Object -Parallel (PowerShell/PowerShell#13132).
if [ -z "${HOME:-}" ] || [ ! -d "$HOME" ] || [ ! -w "$HOME" ]; then
    HOME="$(mktemp -d "${TMPDIR:-/tmp}/wbd-pwsh-home.XXXXXX")"
    export HOME
fi

is_stale() {
    [ -f "$stamp" ] || return 0
    [ -n "$(find "$project" -maxdepth 1 -type f \( -name '*.cs' -o -name '*.csproj' \) -newer "$stamp" -print -quit)" ]
}

if is_stale; then
    mkdir -p "$out"
    exec 9>"$out/.build.lock"
    flock 9
    # Another caller may have built it while this one waited for the lock.
    if is_stale; then
        case "$(uname -s)-$(uname -m)" in
            Linux-x86_64) rid=linux-x64 ;;
            Linux-aarch64 | Linux-arm64) rid=linux-arm64 ;;
            Darwin-x86_64) rid=osx-x64 ;;
            Darwin-arm64) rid=osx-arm64 ;;
            *) echo "scripts/pwsh.sh: no .NET runtime identifier for $(uname -s) $(uname -m)" >&2; exit 1 ;;
        esac
        echo "scripts/pwsh.sh: building PowerShell 7.6 (tools/pwsh, $rid, ReadyToRun) into $out; this takes a minute or two once ..." >&2
        log="$out/build.log"
        # ReadyToRun: without it every start JIT-compiles PowerShell (and Add-Type the C#
        # compiler), several seconds before the first prompt.
        if ! dotnet publish "$project/WbdPwsh.csproj" --configuration Release --runtime "$rid" --self-contained false \
            -p:PublishReadyToRun=true --output "$out" --nologo >"$log" 2>&1; then
            cat "$log" >&2
            echo "scripts/pwsh.sh: building tools/pwsh failed (log above, also in $log). It restores Microsoft.PowerShell.SDK 7.6.9 and Pester from NuGet: check that nuget.org (or its mirror) is reachable." >&2
            exit 1
        fi
        touch "$stamp"
    fi
    exec 9>&-
fi

export PSModulePath="$out/Modules${PSModulePath:+:$PSModulePath}"
# The app host (not `dotnet wbd-pwsh.dll`), so that the process path is this shell and
# tests can start a fresh one with (Get-Process -Id $PID).Path like a real pwsh.
DOTNET_ROOT="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
export DOTNET_ROOT
exec "$out/wbd-pwsh" "$@"
