"""Import first in any gevent process: monkey patching, then psycopg2 made cooperative.

psycopg2 is C: unpatched, one slow query or lock wait freezes every greenlet of the worker,
WebSockets included (docs/pitfalls.md, "gevent, gunicorn and psycopg2").
"""

from gevent import monkey

monkey.patch_all()

from psycogreen.gevent import patch_psycopg  # noqa: E402 - must follow patch_all

patch_psycopg()
