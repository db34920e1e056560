"""gunicorn settings shared by the services: gevent workers, psycopg2 patched after fork.

Use with ``gunicorn -c python:hdms_common.gunicorn_conf 'ticket_service:create_app()'``. No
preload: with gevent workers modules must load after monkey patching.
"""

from __future__ import annotations

from typing import Any

from hdms_common.config import load_server_settings

_server = load_server_settings()
worker_class = "gevent"
workers = _server.workers
worker_connections = _server.worker_connections
bind = _server.bind
timeout = 60
graceful_timeout = 20
keepalive = 5
preload_app = False
accesslog = None
errorlog = "-"
# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl): the
# stack runs a gunicorn per service on one host, and the images run as a user whose home may
# not be writable. Nothing of HDMS drives gunicornc, so no socket is made.
control_socket_disable = True


def post_fork(server: Any, worker: Any) -> None:
    """The gevent worker has patched the standard library; make psycopg2 cooperative too."""
    from psycogreen.gevent import patch_psycopg

    patch_psycopg()
