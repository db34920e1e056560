"""Many real clients racing on one ticket: exactly one wins per state, history stays whole."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import requests

CLIENTS = 60


def race(url: str, attempts: list[tuple[dict, dict]]) -> list[int]:
    """Fire every (headers, body) at once from its own thread; returns the statuses."""
    barrier = threading.Barrier(len(attempts))
    statuses: list[int] = [0] * len(attempts)

    def fire(index: int, headers: dict, body: dict) -> None:
        with requests.Session() as session:
            barrier.wait()
            statuses[index] = session.post(url, json=body, headers=headers, timeout=60).status_code

    threads = [
        threading.Thread(target=fire, args=(i, headers, body))
        for i, (headers, body) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.slow
def test_conflicting_transitions_from_many_clients(app, api, cast, live_server_factory, fetch):
    server = live_server_factory(app)
    c = cast
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    rounds = [
        (
            "new",
            [
                (c.moderator, {"action": "review"}),
                (c.moderator, {"action": "assign", "assignee_id": str(c.assignee.id)}),
                (c.moderator, {"action": "reject", "reason": "Duplicate"}),
                (c.requestor, {"action": "cancel"}),
                (c.moderator, {"action": "postpone", "reason": "Later", "resume_at": later}),
            ],
        ),
        (
            "assigned",
            [
                (c.moderator, {"action": "reassign", "assignee_id": str(c.second_assignee.id)}),
                (c.assignee, {"action": "acknowledge"}),
                (c.moderator, {"action": "postpone", "reason": "Later", "resume_at": later}),
            ],
        ),
        (
            "in_progress",
            [
                (c.assignee, {"action": "progress", "percent": 50}),
                (c.assignee, {"action": "resolve", "resolution_note": "Done"}),
                (c.moderator, {"action": "postpone", "reason": "Later", "resume_at": later}),
            ],
        ),
    ]
    for state, kinds in rounds:
        ticket = api.in_state(state)
        attempts = [
            (
                kinds[i % len(kinds)][0].headers,
                {**kinds[i % len(kinds)][1], "version": ticket["version"]},
            )
            for i in range(CLIENTS)
        ]
        statuses = race(f"{server.url}/api/tickets/{ticket['id']}/status", attempts)
        counts = Counter(statuses)
        assert counts[200] == 1, (state, counts)
        assert set(counts) <= {200, 409, 412}, (state, counts)

        final = api.get(ticket)
        assert final["version"] == ticket["version"] + 1
        history = api.history(ticket, verify=True)
        assert history["verification"]["ok"] is True
        items = history["items"]
        assert [row["seq"] for row in items] == list(range(1, final["version"] + 1))
        assert items[-1]["to_state"] == final["status"]
        assert items[-1]["from_state"] == state
        (events,) = fetch(
            "SELECT count(*) FROM ticket_outbox WHERE payload->>'ticket_id' = %s", ticket["id"]
        )
        assert events[0] == len(items)
