"""Every (state, action) pair of the life cycle, allowed and refused, by each role.

The expectations come from the life cycle as docs/ticket-life-cycle.md states it, written out
below, and not from ``fsm.TRANSITIONS``: a change to the table that the contract does not name
fails here, and the published table (GET /api/tickets/fsm) is checked against the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest


class Step(NamedTuple):
    sources: frozenset[str]
    #: The state the action leads to; "postponed_from" is the state the ticket was postponed from.
    target: str
    #: The roles on the ticket that may take the action ("system": ticket-service itself).
    who: frozenset[str]
    #: Callable through POST /api/tickets/{id}/status (approval_decided is applied internally).
    public: bool = True


def step(sources: str, target: str, who: str, *, public: bool = True) -> Step:
    return Step(frozenset(sources.split()), target, frozenset(who.split()), public)


LIFE_CYCLE: dict[str, Step] = {
    "review": step("new", "under_review", "moderator admin"),
    "assign": step("new under_review postponed", "assigned", "moderator admin"),
    "reassign": step("assigned in_progress", "assigned", "moderator admin"),
    "reject": step("new under_review", "rejected", "moderator admin"),
    "postpone": step("new under_review assigned in_progress", "postponed", "moderator admin"),
    "resume": step("postponed", "postponed_from", "moderator admin system"),
    "acknowledge": step("assigned", "in_progress", "assignee"),
    "progress": step("in_progress", "in_progress", "assignee"),
    "request_approval": step("in_progress", "waiting_approval", "assignee moderator admin"),
    "approval_decided": step("waiting_approval", "in_progress", "approver", public=False),
    "resolve": step("in_progress", "resolved", "assignee"),
    "close": step("resolved", "closed", "requestor moderator admin system"),
    "reopen": step("resolved", "under_review", "requestor moderator"),
    "cancel": step("new under_review", "cancelled", "requestor"),
    "cancel_approval": step("waiting_approval", "in_progress", "moderator admin assignee system"),
}
STATES = [
    "new",
    "under_review",
    "assigned",
    "in_progress",
    "waiting_approval",
    "postponed",
    "resolved",
    "closed",
    "rejected",
    "cancelled",
]
TERMINAL = ["cancelled", "closed", "rejected"]
ROLES = ("requestor", "moderator", "assignee", "admin")
PUBLIC = {action: row for action, row in LIFE_CYCLE.items() if row.public}


def valid_payload(action: str, cast) -> dict:
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    return {
        "assign": {"assignee_id": str(cast.assignee.id)},
        "reassign": {"assignee_id": str(cast.second_assignee.id)},
        "reject": {"reason": "Duplicate of another ticket"},
        "postpone": {"reason": "Parts on order", "resume_at": later},
        "progress": {"percent": 50, "note": "Halfway"},
        # Not the admin: whoever requests a round cannot be its approver.
        "request_approval": {"approver_ids": [str(cast.second_assignee.id)], "mode": "all"},
        "resolve": {"resolution_note": "Fixed"},
        "reopen": {"reason": "Broke again"},
        "cancel_approval": {"reason": "Finance did not answer"},
    }.get(action, {})


def allowed_cases():
    for action, row in PUBLIC.items():
        for source in sorted(row.sources):
            for role in ROLES:
                if role in row.who:
                    yield pytest.param(action, source, role, id=f"{action}-{source}-{role}")


def test_the_published_table_is_the_documented_life_cycle(client, cast):
    response = client.get("/api/tickets/fsm", headers=cast.requestor.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert sorted(body["statuses"]) == sorted(STATES)
    assert body["terminal"] == TERMINAL
    published = {
        row["action"]: Step(
            frozenset(row["from"]),
            row["to"],
            frozenset(row["roles"]),
            row["via_status_endpoint"],
        )
        for row in body["transitions"]
    }
    assert published == LIFE_CYCLE


@pytest.mark.parametrize(("action", "source", "role"), list(allowed_cases()))
def test_allowed_transition_moves_the_ticket_and_is_recorded(
    api, cast, fetch, action, source, role
):
    ticket = api.in_state(source)
    before_rows = len(api.history(ticket)["items"])

    after = api.do(ticket, action, cast.role(role), **valid_payload(action, cast))

    target = LIFE_CYCLE[action].target
    expected = ticket["postponed_from"] if target == "postponed_from" else target
    assert after["status"] == expected
    assert after["version"] == ticket["version"] + 1
    history = api.history(ticket, verify=True)
    assert len(history["items"]) == before_rows + 1
    last = history["items"][-1]
    assert (last["action"], last["from_state"], last["to_state"]) == (action, source, expected)
    assert last["actor_id"] == str(cast.role(role).id)
    assert history["verification"]["ok"] is True
    events = fetch(
        "SELECT event_type, payload FROM ticket_outbox WHERE payload->>'ticket_id' = %s "
        "ORDER BY occurred_at DESC LIMIT 1",
        ticket["id"],
    )
    event_type, payload = events[0]
    assert payload["status"] == expected
    assert payload["actor_id"] == str(cast.role(role).id)
    if event_type == "ticket.status_changed":
        assert (payload["action"], payload["from_status"], payload["to_status"]) == (
            action,
            source,
            expected,
        )


@pytest.mark.parametrize("state", STATES)
def test_refused_actions_answer_409_or_403_and_change_nothing(api, cast, snapshot, state):
    ticket = api.in_state(state)
    before = snapshot(ticket)
    allowed_by = {
        role: api.get(ticket, cast.role(role))["allowed_actions"]
        for role in ROLES
        if role != "assignee" or ticket["assignee_id"] == str(cast.assignee.id)
    }
    for action, row in PUBLIC.items():
        for role in ROLES:
            user = cast.role(role)
            in_source = state in row.sources
            if in_source and role in row.who:
                continue  # allowed: covered above
            payload = valid_payload(action, cast)
            response = api.act(ticket, action, user, version=ticket["version"], **payload)
            sees = role != "assignee" or ticket["assignee_id"] == str(user.id)
            expected = 404 if not sees else (409 if not in_source else 403)
            assert response.status_code == expected, (action, role, response.get_json())
            assert response.mimetype == "application/problem+json"
            if expected == 409:
                assert response.get_json()["allowed_actions"] == allowed_by[role]
    assert snapshot(ticket) == before


def test_allowed_actions_list_what_each_role_may_do(api, cast):
    ticket = api.in_state("assigned")
    assert set(api.get(ticket, cast.moderator)["allowed_actions"]) == {"reassign", "postpone"}
    assert api.get(ticket, cast.assignee)["allowed_actions"] == ["acknowledge"]
    assert api.get(ticket, cast.requestor)["allowed_actions"] == []


def test_fsm_table_is_published(client, cast):
    response = client.get("/api/tickets/fsm", headers=cast.requestor.headers)
    assert response.status_code == 200
    table = {row["action"]: row for row in response.get_json()["transitions"]}
    assert table["assign"]["from"] == ["new", "postponed", "under_review"]
    assert table["assign"]["payload"]["assignee_id"]["required"] is True
    assert table["resolve"]["guards"] == ["no_open_sub_tickets", "no_pending_approval"]
    assert table["resume"]["to"] == "postponed_from"


# --- bad input: a clear 4xx, nothing changed --------------------------------------------------


@pytest.mark.parametrize(
    ("state", "action", "who", "payload", "status", "field"),
    [
        ("new", "reject", "moderator", {"reason": "   "}, 422, "reason"),
        ("new", "reject", "moderator", {}, 422, "reason"),
        (
            "new",
            "postpone",
            "moderator",
            {"reason": "x", "resume_at": "2020-01-01T00:00:00+00:00"},
            422,
            "resume_at",
        ),
        (
            "new",
            "postpone",
            "moderator",
            {"reason": "x", "resume_at": "2030-01-01T00:00:00"},
            422,
            "resume_at",
        ),
        ("in_progress", "progress", "assignee", {"percent": 101}, 422, "percent"),
        ("in_progress", "progress", "assignee", {"percent": "much"}, 422, "percent"),
        ("new", "assign", "moderator", {}, 422, "assignee_id"),
        ("new", "assign", "moderator", {"assignee_id": "not-a-uuid"}, 422, "assignee_id"),
        ("new", "review", "moderator", {"colour": "red"}, 422, "colour"),
        ("new", "fly", "moderator", {}, 422, "action"),
        ("new", "approval_decided", "admin", {}, 422, "action"),
        ("new", "request_approval", "moderator", {"approver_ids": []}, 422, "approver_ids"),
        ("in_progress", "resolve", "assignee", {"resolution_note": ""}, 422, "resolution_note"),
    ],
)
def test_bad_payload_is_refused_and_changes_nothing(
    api, cast, snapshot, state, action, who, payload, status, field
):
    ticket = api.in_state(state)
    before = snapshot(ticket)
    response = api.act(ticket, action, cast.role(who), **payload)
    assert response.status_code == status, response.get_json()
    assert field in response.get_json()["errors"]
    assert snapshot(ticket) == before


def test_assignee_without_the_role_in_the_department_is_refused(api, cast, snapshot):
    ticket = api.in_state("new")
    before = snapshot(ticket)
    for outsider in (cast.other_assignee, cast.requestor):
        response = api.act(ticket, "assign", cast.moderator, assignee_id=str(outsider.id))
        assert response.status_code == 422
        assert "assignee_id" in response.get_json()["errors"]
    assert snapshot(ticket) == before


def test_reassign_to_the_same_assignee_is_refused(api, cast, snapshot):
    ticket = api.in_state("assigned")
    before = snapshot(ticket)
    response = api.act(ticket, "reassign", cast.moderator, assignee_id=str(cast.assignee.id))
    assert response.status_code == 422
    assert snapshot(ticket) == before


def test_progress_may_only_decrease_with_a_note(api, cast, snapshot):
    ticket = api.in_state("in_progress")
    ticket = api.do(ticket, "progress", cast.assignee, percent=60)
    before = snapshot(ticket)
    response = api.act(ticket, "progress", cast.assignee, percent=30)
    assert response.status_code == 422
    assert "note" in response.get_json()["errors"]
    assert snapshot(ticket) == before
    assert (
        api.do(ticket, "progress", cast.assignee, percent=30, note="Second disk failed")["progress"]
        == 30
    )


def test_stale_version_is_412_and_changes_nothing(api, cast, client, snapshot):
    ticket = api.in_state("new")
    api.do(ticket, "review", cast.moderator)
    ticket = api.get(ticket)
    before = snapshot(ticket)
    response = api.act(
        ticket, "assign", cast.moderator, assignee_id=str(cast.assignee.id), version=1
    )
    assert response.status_code == 412
    assert response.get_json()["current_version"] == 2
    assert snapshot(ticket) == before


def test_version_may_come_in_if_match_and_is_required(api, cast, client, snapshot):
    ticket = api.in_state("new")
    before = snapshot(ticket)
    url = f"/api/tickets/{ticket['id']}/status"
    response = client.post(url, json={"action": "review"}, headers=cast.moderator.headers)
    assert response.status_code == 422
    assert "version" in response.get_json()["errors"]
    response = client.post(
        url, json={"action": "review"}, headers={**cast.moderator.headers, "If-Match": '"7"'}
    )
    assert response.status_code == 412
    assert snapshot(ticket) == before
    response = client.post(
        url, json={"action": "review"}, headers={**cast.moderator.headers, "If-Match": '"1"'}
    )
    assert response.status_code == 200
    assert response.get_json()["status"] == "under_review"


@pytest.mark.parametrize(
    ("body", "status"),
    [("null", 422), ("[]", 422), ('"review"', 422), ("42", 422), ("{not json", 400)],
)
def test_a_body_that_is_not_an_object_is_a_4xx(api, cast, client, snapshot, body, status):
    ticket = api.in_state("new")
    before = snapshot(ticket)
    response = client.post(
        f"/api/tickets/{ticket['id']}/status",
        data=body,
        content_type="application/json",
        headers=cast.moderator.headers,
    )
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert snapshot(ticket) == before


def test_dedicated_action_endpoints_apply_the_same_rules(api, cast, client):
    ticket = api.in_state("new")
    url = f"/api/tickets/{ticket['id']}"
    response = client.post(
        f"{url}/reject", json={"reason": "no", "version": 1}, headers=cast.requestor.headers
    )
    assert response.status_code == 403
    response = client.post(
        f"{url}/assign",
        json={"assignee_id": str(cast.assignee.id), "version": 1},
        headers=cast.moderator.headers,
    )
    assert response.status_code == 200
    response = client.post(f"{url}/acknowledge", json={"version": 2}, headers=cast.assignee.headers)
    assert response.status_code == 200
    response = client.post(
        f"{url}/progress", json={"percent": 10, "version": 3}, headers=cast.assignee.headers
    )
    assert response.get_json()["progress"] == 10
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = client.post(
        f"{url}/postpone",
        json={"reason": "Vacation", "resume_at": later, "version": 4},
        headers=cast.moderator.headers,
    )
    assert response.get_json()["status"] == "postponed"
    assert response.get_json()["sla_status"] == "paused"


def test_reopen_only_within_the_window(api, cast, fetch, snapshot):
    ticket = api.in_state("resolved")
    fetch(
        "UPDATE tickets SET resolved_at = resolved_at - interval '8 days' WHERE id = %s",
        ticket["id"],
    )
    before = snapshot(ticket)
    response = api.act(ticket, "reopen", cast.requestor, reason="Broken again")
    assert response.status_code == 409
    assert snapshot(ticket) == before
