"""The gevent entry: with it, a slow PostgreSQL query no longer freezes the other greenlets."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), url],
        capture_output=True,
        text=True,
        timeout=60,
    )


CONCURRENT_SLEEPS = """
    {patch}
    import sys, time
    import gevent, psycopg2

    def sleep_in_postgres():
        connection = psycopg2.connect(sys.argv[1])
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.5)")
        connection.close()

    started = time.monotonic()
    gevent.joinall([gevent.spawn(sleep_in_postgres) for _ in range(4)])
    print(round(time.monotonic() - started, 2))
"""


def test_queries_of_different_greenlets_overlap_with_the_gevent_entry(pgbouncer_server):
    result = _run(
        CONCURRENT_SLEEPS.format(patch="import hdms_common.gevent_patch"), pgbouncer_server.url
    )
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) < 1.2  # four 0.5 s queries ran together


def test_without_psycogreen_the_same_queries_run_one_after_another(pgbouncer_server):
    patch = "from gevent import monkey; monkey.patch_all()"
    result = _run(CONCURRENT_SLEEPS.format(patch=patch), pgbouncer_server.url)
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) >= 1.9  # the reason the entry module exists
