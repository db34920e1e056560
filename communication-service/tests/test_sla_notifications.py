"""SLA at risk and breached: the assignee hears of it (the department's moderators while the ticket
is unassigned), never the one who acted, once per ticket and clock."""

from __future__ import annotations

import uuid

import pytest

from .conftest import ticket_payload
from .test_ticket_events import notifications_of

SYSTEM = uuid.uuid4()


def clock(kind: str = "resolution", due_at: str = "2026-11-25T10:00:00+00:00") -> dict[str, str]:
    return {"sla_kind": kind, "due_at": due_at, "actor_id": str(SYSTEM)}


@pytest.mark.parametrize(
    ("event_type", "kind", "title"),
    [
        ("ticket.sla_at_risk", "sla_at_risk", "SLA at risk on"),
        ("ticket.sla_breached", "sla_breached", "SLA breached on"),
    ],
)
def test_the_assignee_hears_once_per_ticket_and_clock(
    app, events, department, user, event_type, kind, title
):
    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = uuid.uuid4()
    base = ticket_payload(
        ticket,
        department=department,
        requestor=requestor.id,
        assignee=assignee.id,
        status="in_progress",
    )
    events.publish(event_type, {**base, **clock()})
    events.publish(event_type, {**base, **clock()})  # the same clock again, another event id
    events.publish(event_type, {**base, **clock("first_response", "2026-11-24T10:00:00+00:00")})

    notes = sorted(notifications_of(app, assignee.id), key=lambda n: n.body)
    assert [n.type for n in notes] == [kind, kind]
    assert all(n.title.startswith(title) for n in notes)
    assert "first response" in notes[0].body and "resolution" in notes[1].body
    assert notifications_of(app, requestor.id) == []


def test_at_risk_on_an_unassigned_ticket_tells_the_moderators_but_not_the_actor(
    app, events, create_user, department, user
):
    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    acting = create_user(roles={"moderator": [department]}, department_id=department)
    requestor = user()
    ticket = uuid.uuid4()
    base = ticket_payload(ticket, department=department, requestor=requestor.id)
    events.publish("ticket.created", base)

    events.publish("ticket.sla_at_risk", {**base, **clock(), "actor_id": str(acting.id)})

    assert [n.type for n in notifications_of(app, moderator.id)] == [
        "ticket_created",
        "sla_at_risk",
    ]
    assert [n.type for n in notifications_of(app, acting.id)] == ["ticket_created"]
    assert notifications_of(app, requestor.id) == []


def test_a_new_due_time_is_a_new_clock(app, events, department, user):
    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = uuid.uuid4()
    base = ticket_payload(
        ticket, department=department, requestor=requestor.id, assignee=assignee.id
    )
    events.publish("ticket.sla_breached", {**base, **clock(due_at="2026-11-25T10:00:00+00:00")})
    events.publish("ticket.sla_breached", {**base, **clock(due_at="2026-11-27T10:00:00+00:00")})

    assert [n.type for n in notifications_of(app, assignee.id)] == ["sla_breached"] * 2
