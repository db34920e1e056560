"""gunicorn settings shared by the services: gevent workers, psycopg2 patched after fork.

Use with ``python -m hdms_common.serve -c python:hdms_common.gunicorn_conf
'ticket_service:create_app()'`` (or plain ``gunicorn`` with the same arguments). The app is
never preloaded: each worker calls create_app after the fork, so its database engines, Redis
connections and threads (the realtime hub) are its own. What is shared is the modules: when
the master was started patched (hdms_common.serve) and runs two workers or more, it imports
the app's package before forking, so that the workers map the same pages of code and module
objects rather than each importing its own copy; every master freezes the garbage collector
before forking, so that the workers keep sharing what it imported (docs/stack.md, "Processes
and memory").
"""

from __future__ import annotations

import gc
import importlib
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


def _master_is_patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return bool(monkey.is_module_patched("socket"))


def when_ready(server: Any) -> None:
    """In the master, before the first fork: import the app's package (patched masters with
    two workers or more), then move everything imported so far out of the collector's reach,
    so that a worker's collections do not write to (and so copy) the pages it shares with the
    master. The freeze is worth it with one worker too: that worker shares gunicorn's and
    gevent's modules with its master, and without it copied most of them at its first full
    collection (about 4 MiB per service, docs/stack.md)."""
    if _master_is_patched() and server.cfg.workers >= 2:
        module = str(server.app.app_uri).split(":", 1)[0]
        importlib.import_module(module)
    gc.collect()
    gc.freeze()


def post_fork(server: Any, worker: Any) -> None:
    """The gevent worker has patched the standard library; make psycopg2 cooperative too."""
    from psycogreen.gevent import patch_psycopg

    patch_psycopg()
