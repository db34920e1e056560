#!/bin/sh
# Entry of every HDMS service image: optionally migrate the service's tables, then run the
# command (gunicorn, a Celery worker, a relay or consumer).
set -eu
if [ "${HDMS_MIGRATE_ON_START:-0}" = "1" ] && [ -n "${HDMS_APP:-}" ]; then
    flask --app "$HDMS_APP" db upgrade
fi
exec "$@"
