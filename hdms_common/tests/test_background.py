"""hdms_common.background: several loops in one process, stopped together, failing loudly.

The loops here belong to a small package written for the test (a create_app and three loop
functions that record what happens to them in files), run by the real command in a process of
its own, as the stack runs the services' loops.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

PACKAGE = textwrap.dedent(
    '''
    import os
    import threading
    import time
    from pathlib import Path

    from flask import Flask

    OUT = Path(os.environ["LOOPS_OUT"])


    def create_app():
        return Flask("looppkg")


    class Consumer:
        """Waits like an event consumer until stopped, then records it."""

        def __init__(self, name):
            self.name = name
            self.stopping = threading.Event()

        def run_forever(self):
            (OUT / f"{self.name}.running").touch()
            self.stopping.wait()
            (OUT / f"{self.name}.stopped").touch()

        def stop(self):
            self.stopping.set()


    def first(app):
        return Consumer("first")


    def second(app):
        return Consumer("second")


    def started_thread(app):
        """Starts its own daemon thread, as ticket_service.background does."""
        thread = threading.Thread(
            target=lambda: ((OUT / "thread.running").touch(), time.sleep(3600)), daemon=True
        )
        thread.start()
        return thread


    def tick(app):
        with (OUT / "ticks").open("a") as ticks:
            ticks.write(app.name + "\\n")


    class Ending:
        def run_forever(self):
            time.sleep(0.5)

        def stop(self):
            pass


    def ending(app):
        return Ending()
    '''
)


@pytest.fixture
def loops(tmp_path: Path) -> tuple[dict[str, str], Path]:
    package = tmp_path / "src" / "looppkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(PACKAGE)
    out = tmp_path / "out"
    out.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "src"), os.environ.get("PYTHONPATH", "")]),
        "LOOPS_OUT": str(out),
    }
    return env, out


def _start(env: dict[str, str], *specs: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hdms_common.background", *specs],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for(path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def test_every_loop_runs_in_one_process_and_sigterm_stops_the_consumers(loops):
    env, out = loops
    process = _start(env, "looppkg:first", "looppkg:second", "looppkg:started_thread")
    try:
        for name in ("first.running", "second.running", "thread.running"):
            _wait_for(out / name)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert (out / "first.stopped").exists() and (out / "second.stopped").exists()
    assert "running 3 background loop(s)" in output


def test_a_periodic_job_is_called_with_its_app_at_each_tick(loops):
    env, out = loops
    process = _start(env, "looppkg:tick@0.2", "looppkg:first")
    try:
        _wait_for(out / "first.running")
        time.sleep(1.5)
        # Not at the start: the first tick comes one interval after it, as a beat's would.
        ticks = (out / "ticks").read_text().split()
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert 3 <= len(ticks) <= 8 and set(ticks) == {"looppkg"}


def test_a_loop_that_ends_by_itself_stops_the_process_with_an_error(loops):
    env, out = loops
    process = _start(env, "looppkg:first", "looppkg:ending")
    try:
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, output
    assert "looppkg:ending" in output
