#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ on stable Rust (no cargo-fuzz) and runs each.
#
#   scripts/fuzz.sh [--seconds N] [--jobs J] [--ci] [--keep] [TARGET...]
#
#   --seconds N  run each target N seconds (default 10)
#   --jobs J     run J targets at a time (default 1)
#   --ci         build with fuzz/Cargo.toml's `ci` profile (opt-level 1, no debug info):
#                a fifth less build CPU here (8.0 vs 10.1 min), for .ci/run's short runs that show the
#                targets still build and run; long runs use the default release profile
#   --keep       merge the new inputs a run finds into fuzz/corpus/<target>/
#                (off by default: each run works on a temporary copy of the corpus)
#   TARGET...    the targets to run (default: all of fuzz/fuzz_targets/*.rs)
#
# Prints runs, exec/s, coverage and crashes per target; exits non-zero if any target
# crashed (or failed to run), with the crashing input in fuzz/artifacts/<target>/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds=10
jobs=1
keep=0
profile=release
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        --ci) profile=ci; shift ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if [ ${#targets[@]} -eq 0 ]; then
    for f in "$root"/fuzz/fuzz_targets/*.rs; do
        n="$(basename "$f" .rs)"
        grep -q fuzz_target! "$f" && targets+=("$n")
    done
fi

triple=x86_64-unknown-linux-gnu
# The explicit --target keeps these flags off build scripts and proc macros.
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
cargo build --locked --profile "$profile" --target "$triple" --manifest-path "$root/fuzz/Cargo.toml" --bins
bin_dir="$root/fuzz/target/$triple/$profile"

work="$(mktemp -d "${TMPDIR:-/tmp}/wbd-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

run_one() {
    local t="$1" corpus="$work/$1/corpus" log="$work/$1/log" art="$root/fuzz/artifacts/$1/"
    mkdir -p "$corpus" "$art"
    if [ -d "$root/fuzz/corpus/$t" ]; then cp -R "$root/fuzz/corpus/$t/." "$corpus/"; fi
    local rc=0
    (cd "$work/$t" && "$bin_dir/$t" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$art") >"$log" 2>&1 || rc=$?
    echo "$rc" > "$work/$t/rc"
    if [ "$keep" -eq 1 ] && [ "$rc" -eq 0 ]; then
        mkdir -p "$root/fuzz/corpus/$t"
        "$bin_dir/$t" -merge=1 "$root/fuzz/corpus/$t" "$corpus" >>"$log" 2>&1 || true
    fi
    rmdir "$art" 2>/dev/null || true
}

running=0
for t in "${targets[@]}"; do
    [ -x "$bin_dir/$t" ] || { echo "no target $t" >&2; exit 2; }
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

failed=0
printf '%-16s %10s %8s %6s %6s %8s %s\n' target runs exec/s cov ft crashes result
for t in "${targets[@]}"; do
    log="$work/$t/log"
    rc="$(cat "$work/$t/rc" 2>/dev/null || echo 1)"
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    eps="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
    cov="$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)"
    ft="$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)"
    crashes=0
    [ -d "$root/fuzz/artifacts/$t" ] && crashes="$(find "$root/fuzz/artifacts/$t" -type f -newer "$work/$t/corpus" 2>/dev/null | wc -l)"
    result=ok
    if [ "$rc" -ne 0 ]; then
        result="FAILED (exit $rc)"
        failed=1
        [ "$crashes" -eq 0 ] && crashes=1
        echo "---- $t: last lines of the libFuzzer log" >&2
        tail -40 "$log" >&2
    fi
    printf '%-16s %10s %8s %6s %6s %8s %s\n' "$t" "${runs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$crashes" "$result"
done
leftover="$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'wbd-fuzz-*' 2>/dev/null | head -1)"
[ -n "$leftover" ] && echo "warning: a target left $leftover behind" >&2
exit "$failed"
