"""End-to-end: the whole stack started by `scripts/stack.py` (what `make stack` runs), driven
only through nginx, like the frontend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e_helpers import STACK, Entry  # noqa: E402


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
    subprocess.run([sys.executable, str(STACK), "down"], env=env, timeout=120)
