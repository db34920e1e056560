#!/usr/bin/env bash
# Install the servers the test suite runs for real (PostgreSQL, PgBouncer, Redis, nginx, clamd)
# and libmagic, on Debian/Ubuntu, when any of them is missing.
#
# The tests start their own copies on free loopback ports (hdms_common.testing.servers), so the
# packages' system services are never needed: they are kept from starting during the install
# and stopped if they started anyway. When everything is present this does nothing and does not
# touch the network. Safe to run any number of times; uses sudo when not root.
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

if ((${#missing[@]} == 0)); then
    say "all test servers are installed (PostgreSQL, PgBouncer, Redis, nginx, clamd, libmagic, docker-compose)"
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

# A package that was just installed cannot have had a service running before, so anything of
# it running now was started by the install (a distribution without policy-rc.d support, or a
# postinst that starts the daemon directly): stop it so it holds no port or CPU.
stop_service() {
    local service=$1
    if [[ -d /run/systemd/system ]] && have_command systemctl; then
        "${SUDO[@]}" systemctl stop "$service" >/dev/null 2>&1 || true
    elif [[ -x "/etc/init.d/$service" ]]; then
        "${SUDO[@]}" "/etc/init.d/$service" stop >/dev/null 2>&1 || true
    fi
}

stop_processes() {
    local name=$1 pids
    pids=$(pgrep -x "$name" 2>/dev/null || true)
    if [[ -n "$pids" ]]; then
        say "stopping the system $name started by the install (pids ${pids//$'\n'/ })"
        # shellcheck disable=SC2086 # one argument per pid
        "${SUDO[@]}" kill $pids 2>/dev/null || true
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
            stop_processes redis-server
            ;;
        pgbouncer)
            stop_service pgbouncer
            stop_processes pgbouncer
            ;;
        nginx-light)
            stop_service nginx
            stop_processes nginx
            ;;
        clamav-daemon)
            stop_service clamav-daemon
            stop_service clamav-freshclam
            stop_processes clamd
            stop_processes freshclam
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
if ((${#still_missing[@]} != 0)); then
    die "still missing after the install: ${still_missing[*]}"
fi
say "installed: ${missing[*]}; all test servers are present"
