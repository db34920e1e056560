"""The web application in a real browser, served by `make run`'s embedded server.

The server starts exactly as `make run` starts it (scripts/embedded.py, with a throwaway ./var):
it builds the static export when its sources changed and serves it at /, beside /api and /ws/.
Then the whole Playwright suite of frontend-service/e2e/ runs against it in Debian's Chromium
(sign-in, the ticket's whole journey, administration, accessibility of the key screens).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright_suite import (
    LOGIN_ATTEMPTS_FOR_THE_SUITE,
    check_requirements,
    run_playwright,
)

from hdms_run import build_frontend
from hdms_run.embedded_process import start_embedded

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.timeout(45 * 60)]


@pytest.fixture(scope="module")
def web_server(tmp_path_factory):
    """The embedded server with the web application, on a free port and a fresh ./var."""
    check_requirements()
    # Built here first (the server would build it on start as well) so that a failed build is
    # reported as such, with its log, rather than as a server that never got ready.
    said: list[str] = []
    if build_frontend.ensure_web_build(retry=True, say=said.append) is None:
        log = build_frontend.log_path()
        tail = log.read_text()[-4000:] if log.is_file() else ""
        pytest.fail(f"the web application does not build: {said[-1:]}\n{tail}", pytrace=False)
    var_dir = tmp_path_factory.mktemp("var")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AUTH_LOGIN_ATTEMPTS_PER_ADDRESS", LOGIN_ATTEMPTS_FOR_THE_SUITE)
        server = start_embedded(var_dir, var_dir / "server.log", timeout=600)
    try:
        if "Web application: http" not in server.banner:
            pytest.fail(f"the embedded server serves no web application:\n{server.banner}")
        yield server, var_dir
    finally:
        server.stop()


def test_the_browser_suite_passes_against_make_run(web_server):
    server, var_dir = web_server
    run_playwright(server.url, var_dir / "playwright.log")
