#!/usr/bin/env bash
# Runs the C ABI suite under valgrind's memcheck and fails on any leak or invalid access.
#
#   scripts/valgrind.sh [--jobs J] [BINARY...]
#
#   --jobs J   run J test binaries side by side (default 2: valgrind runs one process's
#              threads one at a time, so two processes use both cores)
#   BINARY...  the test binaries to run (default: ffi_abi ffi_threads ffi_stress idle_cancel)
#
# The C ABI suite is the test binaries that dlopen the built cdylib (tests/common/mod.rs)
# and call every wbd_* export the way a C host does; memcheck follows the library inside
# them. Every test of those binaries runs; none is excluded (none starts a child process,
# and the slowest, ffi_stress, takes about a minute and a half under valgrind here).
#
# What counts as failure: any memcheck error (invalid read/write, use of undefined
# values, bad free) and any definitely, indirectly or possibly lost block, unless
# tests/valgrind.supp suppresses it (each entry there says why it is not ours), and any
# failing test. "Still reachable" memory (statics of std, tokio and the library while it
# is loaded) is not a leak and is not counted.
#
# Environment given to the tests:
#   WBD_SLOW=30    tests stretch their waiting limits by this factor (tests/common/mod.rs
#                  `slow`), as valgrind runs code some 20-50x slower; what they assert is
#                  unchanged.
#   SSL_CERT_FILE, SSL_CERT_DIR
#                  an OS trust store of one root (the first of the system bundle): every
#                  connectivity job parses the whole store (some 290 PEM files), which
#                  under valgrind alone would take minutes for the 100 stress jobs. The
#                  same loading code runs, on less data.
#
# Installs nothing: valgrind comes from `bash scripts/install-deps.sh --test`.
# Logs: target/valgrind/<binary>.out (test output) and <binary>.vg (memcheck's report).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs=2
bins=()
while [ $# -gt 0 ]; do
    case "$1" in
        --jobs) jobs="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        -*) echo "valgrind.sh: unknown option $1" >&2; exit 2 ;;
        *) bins+=("$1"); shift ;;
    esac
done
[ ${#bins[@]} -gt 0 ] || bins=(ffi_abi ffi_threads ffi_stress idle_cancel)
command -v valgrind >/dev/null 2>&1 || {
    echo "valgrind.sh: valgrind is not installed (bash scripts/install-deps.sh --test)" >&2
    exit 2
}
started=$(date +%s)
out="$root/target/valgrind"
rm -rf "$out"
mkdir -p "$out/certs" "$out/no-cert-dir"

# The cdylib the tests load, then the test binaries (their paths from cargo's JSON).
cargo build --lib
test_args=()
for b in "${bins[@]}"; do test_args+=(--test "$b"); done
cargo test --no-run "${test_args[@]}" --message-format=json >"$out/build.json"
declare -A exe
while read -r name path; do
    exe[$name]="$path"
done < <(sed -n 's/.*"target":{[^}]*"name":"\([^"]*\)".*"executable":"\([^"]*\)".*/\1 \2/p' "$out/build.json")
for b in "${bins[@]}"; do
    [ -n "${exe[$b]:-}" ] || { echo "valgrind.sh: no test binary for '$b'" >&2; exit 2; }
done

bundle=/etc/ssl/certs/ca-certificates.crt
if [ -r "$bundle" ]; then
    awk '/BEGIN CERTIFICATE/{p=1} p{print} /END CERTIFICATE/{exit}' "$bundle" >"$out/certs/one.pem"
    export SSL_CERT_FILE="$out/certs/one.pem" SSL_CERT_DIR="$out/no-cert-dir"
fi
export WBD_SLOW=30

run_one() {
    local b="$1" t0 rc
    t0=$(date +%s)
    rc=0
    valgrind --leak-check=full \
        --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible \
        --error-exitcode=99 --track-fds=no --trace-children=no \
        --num-callers=40 --keep-debuginfo=yes -v \
        --suppressions="$root/tests/valgrind.supp" \
        --log-file="$out/$b.vg" \
        "${exe[$b]}" --test-threads=1 >"$out/$b.out" 2>&1 || rc=$?
    echo "$rc $(( $(date +%s) - t0 ))" >"$out/$b.rc"
}

running=0
for b in "${bins[@]}"; do
    run_one "$b" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

# Bytes of one LEAK SUMMARY line ("definitely lost: 1,234 bytes in 5 blocks"), 0 if none.
lost() {
    local n
    n=$(sed -n "s/.*$1: \([0-9,]*\) bytes.*/\1/p" "$2" | tail -1 | tr -d ,)
    echo "${n:-0}"
}

failed=0
printf '\n%-12s %5s %7s %9s %9s %9s %9s %8s  %s\n' \
    binary exit errors definite indirect possible supp\'d seconds tests
for b in "${bins[@]}"; do
    read -r rc secs <"$out/$b.rc"
    vg="$out/$b.vg"
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$vg" | tail -1 | tr -d ,)
    supp=$(sed -n 's/.*ERROR SUMMARY: .*(suppressed: \([0-9,]*\) from.*/\1/p' "$vg" | tail -1 | tr -d ,)
    tests=$(grep -h '^test result:' "$out/$b.out" | tail -1 | sed 's/^test result: //; s/; finished.*//')
    printf '%-12s %5s %7s %9s %9s %9s %9s %8s  %s\n' "$b" "$rc" "${errors:-?}" \
        "$(lost 'definitely lost' "$vg")" "$(lost 'indirectly lost' "$vg")" \
        "$(lost 'possibly lost' "$vg")" "${supp:-?}" "$secs" "${tests:-no test result}"
    if [ "$rc" != 0 ] || [ "${errors:-1}" != 0 ]; then
        failed=1
    fi
done
echo "(lost: bytes; supp'd: reports matched by tests/valgrind.supp; logs: target/valgrind/)"
used=$(sed -n 's/.*used_suppression: *\([0-9]*\) \([^ ]*\) .*/\2 \1/p' "$out"/*.vg |
    awk '{n[$1] += $2} END {for (k in n) printf "%s %d, ", k, n[k]}')
used="${used%, }"
echo "suppressions used: ${used:-none}"
echo "total wall time: $(( $(date +%s) - started )) s"
if [ "$failed" -ne 0 ]; then
    for b in "${bins[@]}"; do
        read -r rc _ <"$out/$b.rc"
        [ "$rc" = 0 ] && continue
        echo
        echo "== $b: exit $rc; memcheck's first reports ($out/$b.vg):"
        grep -v '^==[0-9]*== *$' "$out/$b.vg" | sed -n '/Memcheck, a memory error detector/,$p' |
            grep -m 60 -A 14 -E 'Invalid|uninitialised|Mismatched|lost in loss record|Syscall param' || true
        grep -h -A 3 'panicked at' "$out/$b.out" | head -40 || true
    done
    echo "valgrind.sh: FAILED"
    exit 1
fi
echo "valgrind.sh: no leaks and no invalid accesses"
