"""Runs the web application's browser tests (Playwright, frontend-service/e2e/) against a
running HDMS and reports the outcome to pytest.

Used by tests/test_web_browser.py (`make run`'s embedded server) and
tests/e2e/test_web_through_nginx.py (the stack's nginx). Chromium is Debian's; Playwright never
downloads a browser. What is missing (Chromium, npm, the installed packages) is a failure with a
message saying what to install, never a skip.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend-service"
CHROMIUM = Path(os.environ.get("HDMS_CHROMIUM", "/usr/bin/chromium"))
#: How many lines of the suite's output a failure shows.
TAIL_LINES = 200
#: The whole suite, however slow the machine (the config's own global timeout is 20 minutes).
SUITE_TIMEOUT = 25 * 60
#: The login throttle counts attempts per client address, and every browser of the suite comes
#: from 127.0.0.1: servers started for the suite allow this many.
LOGIN_ATTEMPTS_FOR_THE_SUITE = "100000"
#: Colour codes Playwright's diffs keep even without a terminal.
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def check_requirements() -> None:
    """Fail (not skip) with what to install when the suite cannot run here."""
    problems = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        problems.append(
            f"Chromium is missing at {CHROMIUM}: install Debian's (apt-get install chromium) "
            "or point HDMS_CHROMIUM at a Chromium binary"
        )
    if shutil.which("npx") is None or shutil.which("node") is None:
        problems.append("Node.js 20+ with npm/npx is missing: install nodejs and npm")
    if not (FRONTEND / "node_modules" / "@playwright" / "test").is_dir():
        problems.append(
            "frontend-service/node_modules has no @playwright/test: run "
            "`PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci` in frontend-service"
        )
    if not (FRONTEND / "node_modules" / "@axe-core" / "playwright").is_dir():
        problems.append("frontend-service/node_modules has no @axe-core/playwright: run npm ci")
    if problems:
        pytest.fail("the browser tests cannot run:\n  " + "\n  ".join(problems), pytrace=False)


def run_playwright(
    base_url: str, log_path: Path, *, grep: str | None = None, extra_args: tuple[str, ...] = ()
) -> None:
    """`npx playwright test` in frontend-service against ``base_url``; its whole output goes to
    ``log_path``, and a failure shows the last lines of it."""
    check_requirements()
    env = {
        **os.environ,
        "HDMS_BASE_URL": base_url,
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1",
        "HDMS_CHROMIUM": str(CHROMIUM),
        # No `test.only` left behind, and no colour codes in the log.
        "CI": "1",
        "FORCE_COLOR": "0",
        "NO_COLOR": "1",
    }
    command = ["npx", "--no-install", "playwright", "test", "--reporter=list", *extra_args]
    if grep:
        command += ["--grep", grep]
    tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
    started = time.monotonic()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=FRONTEND,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        assert process.stdout is not None
        timed_out = False
        try:
            with process.stdout:
                for raw in process.stdout:
                    line = ANSI.sub("", raw)
                    log.write(line)
                    log.flush()
                    tail.append(line.rstrip("\n"))
                    if time.monotonic() - started > SUITE_TIMEOUT:
                        timed_out = True
                        break
        finally:
            if timed_out or process.poll() is None:
                # The suite and the browsers it started, nothing else.
                try:
                    os.killpg(process.pid, signal.SIGTERM if not timed_out else signal.SIGKILL)
                except ProcessLookupError:
                    pass
            code = process.wait(timeout=60)
    if timed_out:
        pytest.fail(
            f"the browser tests took more than {SUITE_TIMEOUT} s; the last lines "
            f"(all of it in {log_path}):\n" + "\n".join(tail),
            pytrace=False,
        )
    if code != 0:
        pytest.fail(
            f"`{' '.join(command)}` against {base_url} exited with {code}; traces and screenshots "
            f"of the failures are in frontend-service/test-results/, the whole output in "
            f"{log_path}. The last lines:\n" + "\n".join(tail),
            pytrace=False,
        )
