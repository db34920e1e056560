"""Helpers shared by the end-to-end modules (conftest puts this folder on sys.path)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from hdms_run.services import demo_logins

ROOT = Path(__file__).resolve().parents[2]
STACK = ROOT / "scripts" / "stack.py"
#: role -> (employee code, password) of the demo company the stack seeds.
DEMO = {role: demo_logins()[role] for role in ("requestor", "moderator", "assignee", "admin")}


@dataclass
class Entry:
    """Where a client reaches HDMS: the stack's nginx or the embedded mode's dispatcher."""

    url: str

    def login(self, code: str, password: str) -> dict[str, str]:
        response = requests.post(
            f"{self.url}/api/auth/login-hdms",
            json={"employee_code": code, "password": password},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access']}"}


def me(stack: Any, headers: dict[str, str]) -> dict[str, Any]:
    return requests.get(f"{stack.url}/api/auth/me", headers=headers, timeout=10).json()


def department(stack: Any, headers: dict[str, str], code: str) -> str:
    items = requests.get(
        f"{stack.url}/api/departments/?limit=100", headers=headers, timeout=10
    ).json()["items"]
    return next(d["id"] for d in items if d["code"] == code)


def ok(response: requests.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()


def wait_for(check: Any, timeout: float = 20.0, interval: float = 0.3) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(interval)


def open_ticket(stack: Any, users: dict[str, dict[str, str]]) -> Any:
    """A new IT ticket from the requestor, assigned by the moderator to the assignee."""
    it = department(stack, users["requestor"], "IT")
    ticket = ok(
        requests.post(
            f"{stack.url}/api/tickets/",
            headers=users["requestor"],
            timeout=10,
            json={"title": "Printer jam", "description": "Third floor.", "department_id": it},
        ),
        201,
    )
    return ok(
        requests.post(
            f"{stack.url}/api/tickets/{ticket['id']}/assign",
            headers=users["moderator"],
            json={
                "assignee_id": me(stack, users["assignee"])["id"],
                "version": ticket["version"],
            },
            timeout=10,
        )
    )
