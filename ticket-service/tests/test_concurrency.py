"""Many real clients racing on one ticket: exactly one wins per state, history stays whole."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

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


def race_responses(
    method: str, url: str, attempts: list[tuple[dict, dict]]
) -> list[tuple[int, Any]]:
    """Like :func:`race`, any method; returns each (status, JSON body)."""
    barrier = threading.Barrier(len(attempts))
    answers: list[tuple[int, Any]] = [(0, None)] * len(attempts)

    def fire(index: int, headers: dict, body: dict) -> None:
        with requests.Session() as session:
            barrier.wait()
            response = session.request(method, url, json=body, headers=headers, timeout=60)
            answers[index] = (response.status_code, response.json())

    threads = [
        threading.Thread(target=fire, args=(i, headers, body))
        for i, (headers, body) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


RETRIES = 6


def assert_one_answer_replayed(answers: list[tuple[int, Any]]) -> str:
    """Every retry got the first create's 201 body, or the documented 409 while it ran."""
    created = {body["id"] for status, body in answers if status == 201}
    assert len(created) == 1, answers
    for status, body in answers:
        if status != 201:
            assert status == 409, answers
            assert body["detail"] == "A request with this Idempotency-Key is still in progress."
    return created.pop()


@pytest.mark.parametrize("resource", ["sub-tickets", "approvals"])
def test_concurrent_retries_with_one_idempotency_key_create_once(
    app, api, cast, live_server_factory, fetch, resource
):
    server = live_server_factory(app)
    ticket = api.in_state("in_progress")
    if resource == "sub-tickets":
        body: dict[str, Any] = {"title": "Cable", "department_id": str(cast.department)}
        table, parent = "sub_tickets", "parent_id"
    else:
        body = {"approver_ids": [str(cast.admin.id)], "version": ticket["version"]}
        table, parent = "approvals", "ticket_id"
    headers = {**cast.assignee.headers, "Idempotency-Key": f"retry-{resource}"}
    answers = race_responses(
        "POST", f"{server.url}/api/tickets/{ticket['id']}/{resource}/", [(headers, body)] * RETRIES
    )
    created = assert_one_answer_replayed(answers)
    rows = fetch(f"SELECT id FROM {table} WHERE {parent} = %s", ticket["id"])  # noqa: S608
    assert [str(r[0]) for r in rows] == [created]
    history = api.history(ticket, verify=True)
    assert history["verification"]["ok"] is True
    assert len(history["items"]) == api.get(ticket)["version"] + (resource == "sub-tickets")


def test_sub_ticket_writes_without_a_version_all_apply(app, api, cast, client, live_server_factory):
    server = live_server_factory(app)
    ticket = api.in_state("in_progress")
    response = client.post(
        f"/api/tickets/{ticket['id']}/sub-tickets/",
        json={
            "title": "Cable",
            "department_id": str(cast.department),
            "assignee_id": str(cast.second_assignee.id),
        },
        headers=cast.assignee.headers,
    )
    assert response.status_code == 201
    sub = response.get_json()
    url = f"{server.url}/api/sub-tickets/{sub['id']}"
    edits = [(cast.assignee.headers, {"description": f"Step {i}"}) for i in range(RETRIES - 1)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        started = pool.submit(
            race_responses,
            "POST",
            f"{url}/status",
            [(cast.second_assignee.headers, {"action": "start"})],
        )
        edited = race_responses("PATCH", url, edits)
    assert [status for status, _ in edited] == [200] * len(edits), edited
    assert started.result()[0][0] == 200, started.result()
    final = client.get(f"/api/sub-tickets/{sub['id']}", headers=cast.assignee.headers).get_json()
    assert (final["version"], final["status"]) == (1 + RETRIES, "in_progress")
    assert final["description"] in {body["description"] for _, body in edits}
    history = api.history(ticket, verify=True)
    assert history["verification"]["ok"] is True
    actions = Counter(row["action"] for row in history["items"])
    assert (actions["sub_ticket.updated"], actions["sub_ticket.start"]) == (RETRIES - 1, 1)

    # Starting it again, all at once: the state says no (409), never a stale version (412).
    second = client.post(
        f"/api/tickets/{ticket['id']}/sub-tickets/",
        json={
            "title": "Plug",
            "department_id": str(cast.department),
            "assignee_id": str(cast.second_assignee.id),
        },
        headers=cast.assignee.headers,
    ).get_json()
    starts = race_responses(
        "POST",
        f"{server.url}/api/sub-tickets/{second['id']}/status",
        [(cast.second_assignee.headers, {"action": "start"})] * RETRIES,
    )
    assert sorted(status for status, _ in starts) == [200] + [409] * (RETRIES - 1), starts


def test_ticket_edits_without_a_version_all_apply_and_stale_ones_get_412(
    app, api, cast, live_server_factory
):
    server = live_server_factory(app)
    ticket = api.in_state("assigned")
    url = f"{server.url}/api/tickets/{ticket['id']}"
    unversioned = race_responses(
        "PATCH",
        url,
        [(cast.moderator.headers, {"description": f"Edit {i}"}) for i in range(RETRIES)],
    )
    assert [status for status, _ in unversioned] == [200] * RETRIES, unversioned
    now = api.get(ticket)
    assert now["version"] == ticket["version"] + RETRIES

    versioned = race_responses(
        "PATCH",
        url,
        [
            (cast.moderator.headers, {"description": f"Again {i}", "version": now["version"]})
            for i in range(RETRIES)
        ],
    )
    assert sorted(status for status, _ in versioned) == [200] + [412] * (RETRIES - 1)
    assert api.get(ticket)["version"] == now["version"] + 1
    assert api.history(ticket, verify=True)["verification"]["ok"] is True
