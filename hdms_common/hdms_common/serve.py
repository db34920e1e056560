"""gunicorn with gevent patched before anything is imported: ``python -m hdms_common.serve``.

Takes gunicorn's own arguments (``-c python:hdms_common.gunicorn_conf -b ... 'pkg:create_app()'``).
Patching the standard library here, in the master and before gunicorn itself imports socket,
ssl and threading, is what lets the master import the service's modules once for all its
workers (``gunicorn_conf.when_ready``): forked workers share those pages instead of each
importing its own copy. A plain ``gunicorn -c python:hdms_common.gunicorn_conf`` still works;
its master, unpatched, imports nothing of the service (docs/pitfalls.md: no preload unpatched).
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402

from psycogreen.gevent import patch_psycopg  # noqa: E402

patch_psycopg()


def main() -> None:
    from gunicorn.app.wsgiapp import run

    sys.argv[0] = "gunicorn"
    run()


if __name__ == "__main__":
    main()
