"""End-to-end: the whole stack started by `scripts/stack.py` (what `make stack` runs), driven
only through nginx, like the frontend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import STACK, Entry


@dataclass
class Stack(Entry):
    state: dict[str, Any]
    log_dir: Path
    stack_dir: Path
    env: dict[str, str]


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    base = tmp_path_factory.mktemp("stack")
    env = {
        **os.environ,
        "HDMS_STACK_DIR": str(base / "stack"),
        "HDMS_LOG_DIR": str(base / "log"),
        "FILE_MAX_BYTES": str(5 * 1024 * 1024),
        "CORS_ORIGINS": "https://desk.example.com",
        "WEB_CONCURRENCY": "1",
        # Every test client logs in from 127.0.0.1 (the browser tests many times over).
        "AUTH_LOGIN_ATTEMPTS_PER_ADDRESS": "100000",
    }
    started = subprocess.run(
        [sys.executable, str(STACK), "up", "--auto-ports", "--timeout", "180"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    state = json.loads((base / "stack" / "state.json").read_text())
    if started.returncode != 0:
        subprocess.run([sys.executable, str(STACK), "down"], env=env, timeout=120)
        logs = "\n".join(
            f"== {p.name}\n{p.read_text()[-2000:]}" for p in sorted((base / "log").glob("*.log"))
        )
        pytest.fail(f"the stack did not start: {started.stdout}\n{started.stderr}\n{logs}")
    yield Stack(
        url=f"http://127.0.0.1:{state['ports']['gateway']}",
        state=state,
        log_dir=base / "log",
        stack_dir=base / "stack",
        env=env,
    )
    _stop_and_check_nothing_is_left(state, env)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def _stop_and_check_nothing_is_left(state: dict[str, Any], env: dict[str, str]) -> None:
    """`make stack-stop` stops exactly what the stack started: run once every test of the
    session is done with the stack (the fixture's teardown), whatever order they ran in."""
    pids = [state["pid"], *state["processes"].values(), *state["servers"].values()]
    died_early = [pid for pid in pids if not _alive(pid)]
    result = subprocess.run(
        [sys.executable, str(STACK), "down"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert died_early == [], f"processes of the stack died during the tests: {died_early}"
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in pids if _alive(pid)] == []
