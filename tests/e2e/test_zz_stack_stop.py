"""`make stack-stop` stops exactly what the stack started (runs last: module order is by name)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from e2e_helpers import STACK


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


def test_stack_stop_leaves_no_process_behind(stack):
    pids = [
        stack.state["pid"],
        *stack.state["processes"].values(),
        *stack.state["servers"].values(),
    ]
    assert all(_alive(pid) for pid in pids)
    result = subprocess.run(
        [sys.executable, str(STACK), "down"],
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in pids if _alive(pid)] == []
