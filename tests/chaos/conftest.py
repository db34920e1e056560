"""Fault injection against the whole stack (what `make stack` runs), driven through nginx.

The stack's supervisor (scripts/stack.py) runs inside the test process here, so the tests hold
the very server objects and process ids it started: they kill, stop and start only those, never
anything found by name. One stack serves every test of this folder and is stopped after the
last one; each test leaves it healthy again.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from chaos_helpers import ChaosStack

from hdms_run import stack as stack_script


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within this folder, tests marked ``after_faults`` (the fuzzer, which leaves the data as
    it likes) run after the others, whatever their files are called. The hook sees the whole
    session's items: only this folder's places are reordered, so its one stack stays up."""
    here = Path(__file__).parent
    places = [i for i, item in enumerate(items) if here in Path(item.path).parents]
    ours = sorted(
        (items[i] for i in places),
        key=lambda item: item.get_closest_marker("after_faults") is not None,
    )
    for place, item in zip(places, ours, strict=True):
        items[place] = item


@pytest.fixture(scope="package")
def stack(request: pytest.FixtureRequest) -> Iterator[ChaosStack]:
    # Not under pytest's own temp folder, which other sessions on the machine rotate away: the
    # logs of a failed run are kept (and named) for whoever investigates.
    base = Path(tempfile.mkdtemp(prefix="hdms-chaos-"))
    failed_before = request.session.testsfailed
    web_root = base / "no-web"
    web_root.mkdir()
    supervisor = stack_script.Supervisor(
        stack_script.choose_ports(True),
        web_root=web_root,
        stack_dir=base / "stack",
        log_dir=base / "log",
        # Two communication workers: one can be killed while the other keeps serving.
        workers={"auth": 1, "ticket": 1, "communication": 2, "file": 1},
        # The periodic stale-file sweep: the tests trigger it themselves when they rely on it.
        leave_out={"file-sweep"},
        extra_env={
            "WEB_CONCURRENCY": "1",
            # Every client of these tests logs in from 127.0.0.1.
            "AUTH_LOGIN_ATTEMPTS_PER_ADDRESS": "100000",
            "FILE_MAX_BYTES": str(64 * 1024 * 1024),
        },
    )
    started = time.monotonic()
    try:
        supervisor.start_servers()
        supervisor.start_services()
        supervisor.wait_ready(timeout=150)
        chaos = ChaosStack(supervisor=supervisor, log_dir=base / "log")
        chaos.wait_healthy()
        print(f"\nchaos stack ready in {time.monotonic() - started:.1f} s")
        yield chaos
    finally:
        supervisor.stop()
        if request.session.testsfailed > failed_before:
            print(f"\nchaos stack logs kept in {base / 'log'}")
        else:
            shutil.rmtree(base, ignore_errors=True)
