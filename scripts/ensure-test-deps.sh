#!/usr/bin/env bash
# Install the servers the test suite runs for real (PostgreSQL, PgBouncer, Redis, nginx, clamd),
# libmagic, and Chromium with the Liberation fonts for the browser tests, on Debian/Ubuntu, when
# any of them is missing. Node.js 20+ with npm (the web application) is not installed here: it is
# checked, and its absence is reported.
#
# The tests start their own copies on free loopback ports (hdms_run.servers), so the
# packages' system services are never needed: they are kept from starting during the install
# and, if they started anyway, stopped through their service manager. No process is ever
# stopped by name: the machine may run its own nginx or Redis. When everything is present this
# does nothing and does not touch the network. Safe to run any number of times; uses sudo when
# not root.
set -euo pipefail

say() { printf 'ensure-test-deps: %s\n' "$*"; }
die() { printf 'ensure-test-deps: error: %s\n' "$*" >&2; exit 1; }

# The daemons live in /usr/sbin, which an ordinary user's PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

have_command() { command -v "$1" >/dev/null 2>&1; }

have_postgres_server() {
    local bindir
    for bindir in /usr/lib/postgresql/*/bin; do
        [[ -x "$bindir/initdb" && -x "$bindir/postgres" && -x "$bindir/psql" ]] && return 0
    done
    have_command initdb && have_command postgres && have_command psql
}

have_chromium() {
    [[ -x /usr/bin/chromium ]] || have_command chromium
}

have_fonts_liberation() {
    dpkg-query -W -f='${Status}' fonts-liberation 2>/dev/null | grep -q 'ok installed' \
        || compgen -G '/usr/share/fonts/truetype/liberation*/LiberationSans-Regular.ttf' >/dev/null
}

# Node.js 20+ and npm build and check the web application; they are expected to be installed.
check_node() {
    local version major
    if ! have_command node || ! have_command npm; then
        say "warning: Node.js 20+ with npm is not installed: the web application cannot be built"
        say "warning: or checked (install it from https://nodejs.org or your distribution)"
        return 0
    fi
    version=$(node --version 2>/dev/null || true)
    major=${version#v}
    major=${major%%.*}
    if [[ ! "$major" =~ ^[0-9]+$ ]] || ((major < 20)); then
        say "warning: Node.js ${version:-?} is too old: the web application needs Node.js 20+"
    fi
}

have_libmagic() {
    if have_command ldconfig && ldconfig -p 2>/dev/null | grep -q 'libmagic\.so\.1 '; then
        return 0
    fi
    dpkg-query -W -f='${Status}' libmagic1 2>/dev/null | grep -q 'ok installed'
}

# package -> check; the order is the install order.
missing=()
have_postgres_server || missing+=(postgresql)
have_command redis-server || missing+=(redis-server)
have_command pgbouncer || missing+=(pgbouncer)
have_command nginx || missing+=(nginx-light)
have_command clamd || missing+=(clamav-daemon)
have_libmagic || missing+=(libmagic1)
# Validates docker-compose.yml in the tests (no Docker engine is needed for `config`).
have_command docker-compose || missing+=(docker-compose)
# The browser tests drive /usr/bin/chromium; the Liberation fonts give pages stable metrics.
have_chromium || missing+=(chromium)
have_fonts_liberation || missing+=(fonts-liberation)
# The load generator of the benchmarks (make bench).
have_command wrk || missing+=(wrk)

check_node

if ((${#missing[@]} == 0)); then
    say "all test dependencies are installed (PostgreSQL, PgBouncer, Redis, nginx, clamd, libmagic, docker-compose, chromium, fonts-liberation, wrk)"
    exit 0
fi

say "missing: ${missing[*]}"
have_command apt-get || die "apt-get not found; install these packages by hand: ${missing[*]}"

SUDO=()
if ((EUID != 0)); then
    have_command sudo || die "not root and sudo is not available; as root run: apt-get install ${missing[*]}"
    SUDO=(sudo)
fi

# Keep the packages' system services from starting while they install: invoke-rc.d and
# deb-systemd-invoke ask policy-rc.d, and 101 means "not allowed". An existing policy (common
# in containers) is left alone.
POLICY=/usr/sbin/policy-rc.d
own_policy=0
remove_policy() {
    if ((own_policy)); then
        "${SUDO[@]}" rm -f "$POLICY"
    fi
}
trap remove_policy EXIT
if [[ ! -e "$POLICY" ]]; then
    printf '#!/bin/sh\n# Temporary, from scripts/ensure-test-deps.sh\nexit 101\n' \
        | "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 0755 "$POLICY"
    own_policy=1
fi

export DEBIAN_FRONTEND=noninteractive
say "apt-get update"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
say "apt-get install ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

remove_policy
own_policy=0

# A package that was just installed cannot have had a service running before, so a service of
# it running now was started by the install (a distribution without policy-rc.d support): stop
# that service through its service manager so it holds no port or CPU. Processes are never
# stopped by name.
stop_service() {
    local service=$1
    if [[ -d /run/systemd/system ]] && have_command systemctl; then
        "${SUDO[@]}" systemctl stop "$service" >/dev/null 2>&1 || true
    elif [[ -x "/etc/init.d/$service" ]]; then
        "${SUDO[@]}" "/etc/init.d/$service" stop >/dev/null 2>&1 || true
    fi
}

for package in "${missing[@]}"; do
    case "$package" in
        postgresql)
            stop_service postgresql
            if have_command pg_lsclusters; then
                while read -r version cluster _; do
                    "${SUDO[@]}" pg_ctlcluster "$version" "$cluster" stop >/dev/null 2>&1 || true
                done < <(pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online"')
            fi
            ;;
        redis-server)
            stop_service redis-server
            ;;
        pgbouncer)
            stop_service pgbouncer
            ;;
        nginx-light)
            stop_service nginx
            ;;
        clamav-daemon)
            stop_service clamav-daemon
            stop_service clamav-freshclam
            ;;
    esac
done

still_missing=()
have_postgres_server || still_missing+=(postgresql)
have_command redis-server || still_missing+=(redis-server)
have_command pgbouncer || still_missing+=(pgbouncer)
have_command nginx || still_missing+=(nginx-light)
have_command clamd || still_missing+=(clamav-daemon)
have_libmagic || still_missing+=(libmagic1)
have_command docker-compose || still_missing+=(docker-compose)
have_chromium || still_missing+=(chromium)
have_fonts_liberation || still_missing+=(fonts-liberation)
have_command wrk || still_missing+=(wrk)
if ((${#still_missing[@]} != 0)); then
    die "still missing after the install: ${still_missing[*]}"
fi
say "installed: ${missing[*]}; all test dependencies are present"
