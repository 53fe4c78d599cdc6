#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages this project needs and sets cargo up to build.
#
#   bash scripts/install-deps.sh            # what `cargo run --bin wbdiag` needs
#   bash scripts/install-deps.sh --test     # also what .ci/run's tests need
#
# Works as root (apt-get directly) and as a user with sudo (at a terminal sudo may ask for the
# password; without one, as in CI, sudo -n never waits). Only missing packages are installed,
# so on a prepared machine it changes nothing. When crates.io cannot be reached, cargo is
# pointed at the vendored crates in ../shared/crates (WBD_VENDORED_CRATES overrides the
# script's path); where crates.io answers, cargo keeps using it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '== %s\n' "$*"; }
die() { printf 'install-deps.sh: %s\n' "$*" >&2; exit 1; }

test_mode=0
case "${1:-}" in
    --test) test_mode=1 ;;
    "") ;;
    *) die "unknown argument '$1' (use --test or nothing)" ;;
esac

# command -> Debian package (daemons such as dnsmasq are in /usr/sbin, off a user's PATH)
need=()
want() { PATH="$PATH:/usr/sbin:/sbin" command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
want cc build-essential
want curl curl
[ -e /etc/ssl/certs/ca-certificates.crt ] || need+=(ca-certificates)
if [ "$test_mode" -eq 1 ]; then
    want mcs mono-mcs
    want mono mono-runtime
    want tinyproxy tinyproxy
    want openssl openssl
    want flock util-linux
    want script bsdutils
    # The binary only: the dnsmasq package would also start a system DNS service on port 53.
    want dnsmasq dnsmasq-base
    # The Pester LDAP tests (tests/pester/Permissions.Tests.ps1) run their own slapd on a
    # loopback port with their own slapd.conf and database in a temporary folder, never the
    # system one. Installing the slapd package also configures a system slapd (cn=config under
    # /etc/ldap/slapd.d) and asks invoke-rc.d to start it; in a Docker-style container the
    # policy-rc.d there (exit 101) keeps it from starting, and on a host a running system slapd
    # listens on port 389 only, which the tests never use.
    want slapd slapd
    want ldapsearch ldap-utils
    # tests/report_html.rs loads the HTML report in headless Chromium (--dump-dom, --screenshot).
    want chromium chromium
    # scripts/valgrind.sh runs the C ABI tests under valgrind's memcheck.
    want valgrind valgrind
    # --no-install-recommends leaves out Chromium's fonts; the report's screenshot test needs some.
    [ -d /usr/share/fonts/truetype/liberation ] || need+=(fonts-liberation)
fi

if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        as_root=()
    elif command -v sudo >/dev/null 2>&1; then
        # At a terminal sudo may ask for the password; without one (CI) it must not wait.
        if [ -t 0 ]; then as_root=(sudo); else as_root=(sudo -n); fi
    else
        die "missing packages (${need[*]}) and neither root nor sudo to install them; install them and run again"
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing packages (${need[*]}) and no apt-get; install them with your package manager"
    say "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq </dev/null || die "apt-get update failed (as ${as_root[*]:-root})"
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null \
        || die "apt-get install ${need[*]} failed"
fi

command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH: install Rust 1.89 or later (https://rustup.rs) and run again"

# crates.io, or the vendored archive when it cannot be reached.
if curl -fsS --max-time 8 -o /dev/null https://index.crates.io/config.json 2>/dev/null; then
    say "crates.io is reachable; cargo builds from it"
else
    vendored="${WBD_VENDORED_CRATES:-$PWD/../shared/crates/use-vendored-crates.sh}"
    [ -f "$vendored" ] || die "crates.io cannot be reached and there is no vendored archive script at $vendored (set WBD_VENDORED_CRATES)"
    say "crates.io cannot be reached; using the vendored crates ($vendored)"
    bash "$vendored" --check Cargo.lock || die "the vendored archive lacks crates of Cargo.lock (listed above)"
fi
