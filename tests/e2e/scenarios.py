"""User journeys run against every way of running HDMS: the stack through nginx (tests/e2e)
and the embedded default of `make run` (tests/test_embedded.py)."""

from __future__ import annotations

import uuid

import requests
from e2e_helpers import DEMO, Entry, department, me, ok, open_ticket, wait_for


def full_life_cycle(entry: Entry) -> None:
    """Requestor opens, moderator assigns, assignee acknowledges, progresses, splits off a
    sub-ticket, gets an approval and resolves; the requestor closes; the history verifies."""
    users = {role: entry.login(*credentials) for role, credentials in DEMO.items()}
    url = entry.url
    it = department(entry, users["requestor"], "IT")
    assignee_id = me(entry, users["assignee"])["id"]
    moderator_id = me(entry, users["moderator"])["id"]

    ticket = ok(
        requests.post(
            f"{url}/api/tickets/",
            headers={**users["requestor"], "Idempotency-Key": str(uuid.uuid4())},
            json={
                "title": "Laptop does not boot",
                "description": "Black screen since this morning.",
                "department_id": it,
                "priority": "high",
                "category": "hardware",
            },
            timeout=10,
        ),
        201,
    )
    assert ticket["status"] == "new" and ticket["number"].startswith("HD-")
    tid = ticket["id"]

    def act(role, path, body):
        current = ok(requests.get(f"{url}/api/tickets/{tid}", headers=users[role], timeout=10))
        return ok(
            requests.post(
                f"{url}/api/tickets/{tid}/{path}",
                headers=users[role],
                json={**body, "version": current["version"]},
                timeout=10,
            )
        )

    assert act("moderator", "assign", {"assignee_id": assignee_id})["status"] == "assigned"
    assert act("assignee", "acknowledge", {})["status"] == "in_progress"
    assert (
        act("assignee", "progress", {"percent": 40, "note": "Diagnosed a failed SSD."})["progress"]
        == 40
    )

    sub = ok(
        requests.post(
            f"{url}/api/tickets/{tid}/sub-tickets/",
            headers=users["assignee"],
            json={
                "title": "Order a replacement SSD",
                "department_id": it,
                "assignee_id": assignee_id,
            },
            timeout=10,
        ),
        201,
    )
    refused = requests.post(
        f"{url}/api/tickets/{tid}/status",
        headers=users["assignee"],
        timeout=10,
        json={
            "action": "resolve",
            "resolution_note": "done",
            "version": ok(
                requests.get(f"{url}/api/tickets/{tid}", headers=users["assignee"], timeout=10)
            )["version"],
        },
    )
    assert refused.status_code == 409  # an open sub-ticket blocks resolving
    for action in ("start", "complete"):
        current = ok(
            requests.get(
                f"{url}/api/sub-tickets/{sub['id']}", headers=users["assignee"], timeout=10
            )
        )
        ok(
            requests.post(
                f"{url}/api/sub-tickets/{sub['id']}/status",
                headers=users["assignee"],
                json={"action": action, "version": current["version"]},
                timeout=10,
            )
        )

    current = ok(requests.get(f"{url}/api/tickets/{tid}", headers=users["assignee"], timeout=10))
    approval = ok(
        requests.post(
            f"{url}/api/tickets/{tid}/approvals/",
            headers=users["assignee"],
            timeout=10,
            json={"approver_ids": [moderator_id], "mode": "all", "version": current["version"]},
        ),
        201,
    )
    assert (
        ok(requests.get(f"{url}/api/tickets/{tid}", headers=users["assignee"], timeout=10))[
            "status"
        ]
        == "waiting_approval"
    )
    ok(
        requests.post(
            f"{url}/api/approvals/{approval['id']}/decision",
            headers=users["moderator"],
            json={"decision": "approve", "comment": "Go ahead."},
            timeout=10,
        )
    )
    assert (
        ok(requests.get(f"{url}/api/tickets/{tid}", headers=users["assignee"], timeout=10))[
            "status"
        ]
        == "in_progress"
    )

    assert (
        act("assignee", "status", {"action": "resolve", "resolution_note": "SSD replaced."})[
            "status"
        ]
        == "resolved"
    )
    assert act("requestor", "status", {"action": "close"})["status"] == "closed"

    history = ok(
        requests.get(
            f"{url}/api/tickets/{tid}/history?verify=1", headers=users["requestor"], timeout=10
        )
    )
    actions = [row["action"] for row in history["items"]]
    for expected in (
        "create",
        "assign",
        "acknowledge",
        "progress",
        "request_approval",
        "resolve",
        "close",
    ):
        assert expected in actions
    assert history["verification"]["ok"] is True


def assignment_notifies_the_assignee(entry: Entry) -> None:
    """An assignment reaches the assignee's notifications (ticket event -> communication)."""
    users = {role: entry.login(*credentials) for role, credentials in DEMO.items()}
    ticket = open_ticket(entry, users)

    def notified():
        items = requests.get(
            f"{entry.url}/api/notifications/", headers=users["assignee"], timeout=10
        ).json()["items"]
        return [n for n in items if n.get("ticket_id") == ticket["id"]]

    notifications = wait_for(notified)
    assert notifications[0]["type"] == "ticket_assigned"
