"""One HDMS service under gunicorn for a bench that starts it alone: its configuration as the
stack's (hdms_common.gunicorn_conf: gevent workers), in a process group of its own so that
stopping it stops its workers, its output in a log file (or the bench's own).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def start(
    app: str,
    environ: Mapping[str, str],
    *,
    port: int,
    log: Path | None = None,
    workers: int | None = None,
) -> subprocess.Popen[bytes]:
    """gunicorn serving `app` ("package:create_app()") on 127.0.0.1:`port`; `workers` overrides
    the configuration's count (WEB_CONCURRENCY)."""
    command = [str(GUNICORN), "-c", "python:hdms_common.gunicorn_conf"]
    if workers is not None:
        command += ["-w", str(workers)]
    output: IO[bytes] | None = log.open("ab") if log is not None else None
    try:
        return subprocess.Popen(  # noqa: S603
            [*command, "-b", f"127.0.0.1:{port}", app],
            env={**os.environ, **environ},
            stdout=output,
            stderr=subprocess.STDOUT if output is not None else None,
            cwd=ROOT,
            start_new_session=True,
        )
    finally:
        if output is not None:
            output.close()  # the child holds its own copy


def wait_ready(
    process: subprocess.Popen[bytes],
    url: str,
    *,
    what: str,
    status: int = 200,
    timeout: float = 60.0,
    log: Path | None = None,
) -> None:
    """Wait until GET `url` answers `status` (a health check, or a route behind the gateway);
    RuntimeError naming `what`, with the end of the log, when gunicorn exits or `timeout`
    passes first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=2).status_code == status:
                return
        except requests.RequestException:  # refused while binding, or a slow first answer
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} did not start\n{tail}")
        time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to its process group (the master and its workers), SIGKILL after 30 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
