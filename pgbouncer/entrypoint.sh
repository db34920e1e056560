#!/bin/sh
# Generate the auth file from the environment (never baked into the image), then run.
set -eu
: "${POSTGRES_USER:?}" "${POSTGRES_PASSWORD:?}"
umask 077
printf '"%s" "%s"\n' "$POSTGRES_USER" "$POSTGRES_PASSWORD" > /etc/pgbouncer/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
