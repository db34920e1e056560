#!/bin/sh
# Entry of every HDMS service image: optionally migrate the service's tables, then run the
# command (a Celery worker, the background loops), or without one the service's gunicorn on
# every port of HDMS_PORTS (through hdms_common.serve: gevent patched before gunicorn loads).
set -eu
if [ "${HDMS_MIGRATE_ON_START:-0}" = "1" ] && [ -n "${HDMS_APP:-}" ]; then
    flask --app "$HDMS_APP" db upgrade
fi
if [ "$#" -eq 0 ]; then
    set -- python -m hdms_common.serve -c python:hdms_common.gunicorn_conf
    for port in $HDMS_PORTS; do
        set -- "$@" -b "0.0.0.0:$port"
    done
    set -- "$@" "$HDMS_PACKAGE:create_app()"
fi
exec "$@"
