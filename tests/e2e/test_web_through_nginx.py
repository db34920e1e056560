"""The web application in a real browser through the stack's nginx: the static export at /,
the API and the sockets on the same origin, as in production.

Runs the Playwright tests tagged @smoke (signing in, a protected page and back, and the ticket
journey's first steps: a ticket with a picture scanned and converted, arriving live in the
moderator's queue, assigned and acknowledged); the whole suite runs against `make run` in
tests/test_web_browser.py.
"""

from __future__ import annotations

import pytest
from playwright_suite import run_playwright

pytestmark = [pytest.mark.slow, pytest.mark.timeout(30 * 60)]


def test_the_browser_smoke_suite_passes_through_nginx(stack):
    assert stack.state.get("web_root"), (
        "the stack serves no web application (its build failed: see var/log/web-build.log)"
    )
    run_playwright(stack.url, stack.log_dir / "playwright.log", grep="@smoke")
