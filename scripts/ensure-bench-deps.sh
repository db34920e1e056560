#!/usr/bin/env bash
# Install what `make bench` needs beyond the test servers (scripts/ensure-test-deps.sh): wrk, the
# HTTP load generator bench/stack_bench.py drives HDMS and its peer with, on Debian/Ubuntu, when
# it is missing. When everything is present this does nothing and does not touch the network.
# Safe to run any number of times; uses sudo when not root.
set -euo pipefail

say() { printf 'ensure-bench-deps: %s\n' "$*"; }
die() { printf 'ensure-bench-deps: error: %s\n' "$*" >&2; exit 1; }

have_command() { command -v "$1" >/dev/null 2>&1; }

missing=()
have_command wrk || missing+=(wrk)

if ((${#missing[@]} == 0)); then
    say "all bench dependencies are installed (wrk)"
    exit 0
fi

say "missing: ${missing[*]}"
have_command apt-get || die "apt-get not found; install these packages by hand: ${missing[*]}"

SUDO=()
if ((EUID != 0)); then
    have_command sudo || die "not root and sudo is not available; as root run: apt-get install ${missing[*]}"
    SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
say "apt-get update"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
say "apt-get install ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"

have_command wrk || die "still missing after the install: wrk"
say "installed: ${missing[*]}; all bench dependencies are present"
