"""Ticket events, published to the real Redis stream as ticket-service's relay does, keep
participants current and notify the people they concern, once per event id."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from communication_service.extensions import db
from communication_service.models import Notification, TicketParticipant
from hdms_common.db import utcnow

from .conftest import ticket_payload


def participants_of(app: Any, ticket_id: uuid.UUID) -> set[tuple[uuid.UUID, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(TicketParticipant.user_id, TicketParticipant.role).where(
                TicketParticipant.ticket_id == ticket_id
            )
        )
        return {(r.user_id, r.role) for r in rows}


def notifications_of(app: Any, user_id: uuid.UUID) -> list[Notification]:
    with app.app_context():
        rows = list(
            db.session.scalars(sa.select(Notification).where(Notification.user_id == user_id))
        )
        db.session.expunge_all()
        return rows


def test_created_ticket_puts_requestor_and_department_moderators_on_it(
    app, events, create_user, create_department, department, token_user
):
    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    create_user(roles={"moderator": [create_department()]})  # moderates elsewhere
    requestor = token_user(roles={"requestor": [department]})
    ticket = uuid.uuid4()

    events.publish(
        "ticket.created", ticket_payload(ticket, department=department, requestor=requestor.id)
    )

    assert participants_of(app, ticket) == {
        (requestor.id, "requestor"),
        (moderator.id, "moderator"),
    }


def test_assignment_notifies_the_assignee_and_reassignment_moves_the_role(
    app, events, department, user
):
    requestor, first, second, moderator = user(), user(), user(), user()
    ticket = uuid.uuid4()
    base = ticket_payload(ticket, department=department, requestor=requestor.id, actor=moderator.id)
    events.publish("ticket.created", base)
    events.publish("ticket.assigned", {**base, "assignee_id": str(first.id), "status": "assigned"})
    events.publish(
        "ticket.assigned",
        {**base, "assignee_id": str(second.id), "previous_assignee_id": str(first.id)},
    )

    assert participants_of(app, ticket) == {(requestor.id, "requestor"), (second.id, "assignee")}
    [note] = notifications_of(app, first.id)
    assert note.type == "ticket_assigned" and note.ticket_id == ticket
    assert note.link == f"/tickets/view?id={ticket}"
    assert [n.type for n in notifications_of(app, second.id)] == ["ticket_assigned"]
    assert notifications_of(app, moderator.id) == []


def test_the_same_event_delivered_twice_is_applied_once(app, events, department, user):
    requestor, assignee = user(), user()
    ticket = uuid.uuid4()
    payload = ticket_payload(
        ticket, department=department, requestor=requestor.id, assignee=assignee.id
    )
    event = events.publish("ticket.assigned", payload)
    events.publish("ticket.assigned", payload, id=event.id, occurred_at=event.occurred_at)

    assert len(notifications_of(app, assignee.id)) == 1
    assert participants_of(app, ticket) == {(requestor.id, "requestor"), (assignee.id, "assignee")}


def test_a_late_event_does_not_undo_a_newer_assignment(app, events, department, user):
    requestor, old, new = user(), user(), user()
    ticket = uuid.uuid4()
    base = ticket_payload(ticket, department=department, requestor=requestor.id)
    now = utcnow()
    events.publish("ticket.assigned", {**base, "assignee_id": str(new.id)}, occurred_at=now)
    events.publish(
        "ticket.assigned",
        {**base, "assignee_id": str(old.id)},
        occurred_at=now - timedelta(seconds=5),
    )

    assert (new.id, "assignee") in participants_of(app, ticket)
    assert (old.id, "assignee") not in participants_of(app, ticket)


def test_rejected_and_resolved_notify_the_requestor(app, events, department, user):
    requestor, moderator = user(), user()
    rejected, resolved = uuid.uuid4(), uuid.uuid4()
    events.publish(
        "ticket.status_changed",
        ticket_payload(
            rejected,
            department=department,
            requestor=requestor.id,
            actor=moderator.id,
            status="rejected",
            action="reject",
            from_status="new",
            to_status="rejected",
            reason="Duplicate of T-1",
        ),
    )
    events.publish(
        "ticket.status_changed",
        ticket_payload(
            resolved,
            department=department,
            requestor=requestor.id,
            actor=moderator.id,
            status="resolved",
            action="resolve",
            from_status="in_progress",
            to_status="resolved",
            reason="Replaced the battery",
        ),
    )
    notes = {n.ticket_id: n for n in notifications_of(app, requestor.id)}
    assert notes[rejected].type == "ticket_rejected" and notes[rejected].body == "Duplicate of T-1"
    assert notes[resolved].type == "ticket_resolved"


def test_approval_request_adds_and_notifies_approvers(app, events, department, user):
    requestor, assignee, approver_a, approver_b = user(), user(), user(), user()
    ticket = uuid.uuid4()
    events.publish(
        "approval.requested",
        ticket_payload(
            ticket,
            department=department,
            requestor=requestor.id,
            assignee=assignee.id,
            actor=assignee.id,
            status="waiting_approval",
            approval_id=str(uuid.uuid4()),
            approver_ids=[str(approver_a.id), str(approver_b.id)],
            mode="all",
        ),
    )
    assert {(approver_a.id, "approver"), (approver_b.id, "approver")} <= participants_of(
        app, ticket
    )
    assert [n.type for n in notifications_of(app, approver_a.id)] == ["approval_requested"]
    assert notifications_of(app, assignee.id) == []  # the actor is not told what they did


def test_sla_breach_notifies_the_assignee(app, events, department, user):
    requestor, assignee = user(), user()
    ticket = uuid.uuid4()
    events.publish(
        "ticket.sla_breached",
        ticket_payload(
            ticket,
            department=department,
            requestor=requestor.id,
            assignee=assignee.id,
            actor=uuid.uuid4(),
            status="in_progress",
            sla_kind="resolution",
            due_at="2026-11-25T10:00:00+00:00",
        ),
    )
    [note] = notifications_of(app, assignee.id)
    assert note.type == "sla_breached" and "resolution" in note.body
    assert notifications_of(app, requestor.id) == []


def test_sub_ticket_assignee_joins_the_parent_ticket(app, events, department, user, client):
    requestor, helper = user(), user()
    ticket = uuid.uuid4()
    events.publish(
        "sub_ticket.assigned",
        ticket_payload(
            ticket,
            department=department,
            requestor=requestor.id,
            status="in_progress",
            actor=uuid.uuid4(),
            sub_ticket_id=str(uuid.uuid4()),
            sub_ticket_assignee_id=str(helper.id),
            sub_ticket_department_id=str(uuid.uuid4()),
            sub_ticket_status="assigned",
        ),
    )
    assert (helper.id, "sub_assignee") in participants_of(app, ticket)
    assert [n.type for n in notifications_of(app, helper.id)] == ["sub_ticket_assigned"]
    response = client.post(
        f"/api/chat/{ticket}/messages/",
        json={"body": "I'll take the network part"},
        headers=helper.headers,
    )
    assert response.status_code == 201


def test_malformed_payloads_are_acknowledged_without_effect(app, events, user):
    events.publish("ticket.created", {"ticket_id": "not-a-uuid"})
    events.publish("ticket.unknown_kind", {"ticket_id": str(uuid.uuid4())})
    events.publisher.client.xadd("hdms:events:tickets", {"garbage": "1"})
    events.drain()
    pending = events.publisher.client.xpending("hdms:events:tickets", "communication-service")
    assert pending["pending"] == 0


def test_events_wait_in_the_stream_until_the_consumer_runs(app, events, department, user):
    requestor = user()
    tickets = [uuid.uuid4() for _ in range(3)]
    for ticket in tickets:
        events.publish(
            "ticket.created",
            ticket_payload(ticket, department=department, requestor=requestor.id),
            consume=False,
        )
    assert all(participants_of(app, t) == set() for t in tickets)
    assert events.drain() == 3
    assert all(participants_of(app, t) == {(requestor.id, "requestor")} for t in tickets)


def test_the_consume_events_command_applies_what_waits(app, events, department, user):
    requestor = user()
    ticket = uuid.uuid4()
    events.publish(
        "ticket.created",
        ticket_payload(ticket, department=department, requestor=requestor.id),
        consume=False,
    )
    result = app.test_cli_runner().invoke(args=["consume-events", "--once", "--consumer", "cli"])
    assert result.exit_code == 0, result.output
    assert "applied 1 events" in result.output
    assert participants_of(app, ticket) == {(requestor.id, "requestor")}


def test_sla_breach_on_an_unassigned_ticket_notifies_the_department_moderators(
    app, events, create_user, department, user
):
    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    requestor = user()
    ticket = uuid.uuid4()
    base = ticket_payload(ticket, department=department, requestor=requestor.id)
    events.publish("ticket.created", base)
    events.publish(
        "ticket.sla_breached",
        {
            **base,
            "actor_id": str(uuid.uuid4()),
            "sla_kind": "first_response",
            "due_at": "2026-11-25T09:00:00+00:00",
        },
    )
    notes = {n.type: n for n in notifications_of(app, moderator.id)}
    assert set(notes) == {"ticket_created", "sla_breached"}
    assert "first response" in notes["sla_breached"].body


def test_a_new_ticket_notifies_the_department_moderators_but_not_its_requestor(
    app, events, create_user, create_department, department, token_user
):
    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    elsewhere = create_user(roles={"moderator": [create_department()]})
    requestor = token_user(roles={"requestor": [department]})
    ticket = uuid.uuid4()

    events.publish(
        "ticket.created", ticket_payload(ticket, department=department, requestor=requestor.id)
    )

    [note] = notifications_of(app, moderator.id)
    assert note.type == "ticket_created" and note.ticket_id == ticket
    assert note.title.startswith("New ticket T-")
    assert notifications_of(app, elsewhere.id) == []
    assert notifications_of(app, requestor.id) == []


def test_each_status_change_tells_the_requestor_and_a_reopen_the_assignee(
    app, events, department, user
):
    requestor, assignee, moderator = user(), user(), user()
    ticket = uuid.uuid4()
    base = ticket_payload(
        ticket, department=department, requestor=requestor.id, assignee=assignee.id
    )
    steps = [
        ("acknowledge", assignee, "ticket_in_progress"),
        ("postpone", moderator, "ticket_postponed"),
        ("resume", moderator, "ticket_resumed"),
        ("resolve", assignee, "ticket_resolved"),
        ("reopen", requestor, "ticket_reopened"),
        ("resolve", assignee, "ticket_resolved"),
        ("close", moderator, "ticket_closed"),
        ("review", moderator, None),
    ]
    for action, actor, _ in steps:
        events.publish(
            "ticket.status_changed", {**base, "action": action, "actor_id": str(actor.id)}
        )

    # The requestor hears of everything but what they did themselves (the reopen).
    expected = [kind for action, actor, kind in steps if kind and actor != requestor]
    assert sorted(n.type for n in notifications_of(app, requestor.id)) == sorted(expected)
    assert [n.type for n in notifications_of(app, assignee.id)] == ["ticket_reopened"]


def test_an_approval_outcome_tells_the_requestor_and_the_assignee(app, events, department, user):
    requestor, assignee, approver = user(), user(), user()
    ticket = uuid.uuid4()
    base = ticket_payload(
        ticket, department=department, requestor=requestor.id, assignee=assignee.id
    )
    decided = {**base, "actor_id": str(approver.id), "decision": "approve"}
    events.publish("approval.decided", {**decided, "outcome": "pending"})
    events.publish("approval.decided", {**decided, "outcome": "approved"})

    for person in (requestor, assignee):
        assert [n.type for n in notifications_of(app, person.id)] == ["approval_approved"]
    assert notifications_of(app, approver.id) == []


def test_moderators_hear_of_a_new_ticket_even_when_the_chat_knew_it_first(
    app, events, create_user, department, token_user
):
    """The requestor's ticket page can ask the chat about the ticket (which then learns it from
    ticket-service) before ticket.created arrives through the stream."""
    from communication_service.models import ChatTicket

    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    requestor = token_user(roles={"requestor": [department]})
    ticket = uuid.uuid4()
    with app.app_context():
        now = utcnow()
        db.session.add(
            ChatTicket(
                ticket_id=ticket,
                department_id=department,
                last_seq=0,
                created_at=now,
                updated_at=now,
            )
        )
        db.session.commit()

    events.publish(
        "ticket.created", ticket_payload(ticket, department=department, requestor=requestor.id)
    )

    assert [n.type for n in notifications_of(app, moderator.id)] == ["ticket_created"]
    assert (moderator.id, "moderator") in participants_of(app, ticket)


def test_events_read_together_are_applied_as_one_by_one(
    app, events, create_user, create_department, department, user, caplog
):
    """A read of several events (one batch, one transaction) ends as applying them in turn:
    snapshot roles follow the newest event, a repeated or already applied event counts once,
    and a ticket moved to another department gets that department's moderators."""
    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    elsewhere = create_department()
    other_moderator = create_user(roles={"moderator": [elsewhere]}, department_id=elsewhere)
    requestor, first, second = user(), user(), user()
    ticket, moved, known = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    base = ticket_payload(ticket, department=department, requestor=requestor.id, actor=first.id)
    applied_before = events.publish(
        "ticket.created", ticket_payload(known, department=department, requestor=requestor.id)
    )
    events.publish("ticket.created", base, consume=False)
    assigned = events.publish(
        "ticket.assigned", {**base, "assignee_id": str(first.id)}, consume=False
    )
    events.publish(
        "ticket.assigned",
        {**base, "assignee_id": str(first.id)},
        id=assigned.id,
        occurred_at=assigned.occurred_at,
        consume=False,
    )
    events.publish(
        "ticket.assigned",
        {**base, "assignee_id": str(second.id), "previous_assignee_id": str(first.id)},
        consume=False,
    )
    moved_base = ticket_payload(moved, department=department, requestor=requestor.id)
    events.publish("ticket.created", moved_base, consume=False)
    events.publish(
        "ticket.updated",
        {**moved_base, "department_id": str(elsewhere), "changed": ["department_id"]},
        consume=False,
    )
    events.publish(
        "ticket.created",
        ticket_payload(known, department=department, requestor=requestor.id),
        id=applied_before.id,
        occurred_at=applied_before.occurred_at,
        consume=False,
    )

    assert events.drain() == 7
    assert not [r for r in caplog.records if "one by one" in r.getMessage()]  # one batch did it
    assert participants_of(app, ticket) == {
        (requestor.id, "requestor"),
        (second.id, "assignee"),
        (moderator.id, "moderator"),
    }
    assert participants_of(app, moved) == {
        (requestor.id, "requestor"),
        (other_moderator.id, "moderator"),
    }
    assert [n.type for n in notifications_of(app, second.id)] == ["ticket_assigned"]
    assert [n.type for n in notifications_of(app, first.id)] == []  # the actor of both
    created = [n.ticket_id for n in notifications_of(app, moderator.id)]
    assert sorted(map(str, created)) == sorted(map(str, [known, ticket, moved]))
    with app.app_context():
        from communication_service.models import ChatTicket

        assert db.session.get(ChatTicket, moved).department_id == elsewhere
        db.session.rollback()
