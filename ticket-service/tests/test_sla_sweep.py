"""SLA clocks through the API and the sweep (run through `flask sla-sweep`, as beat would)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hdms_common.auth import service_user_id


def sweep(app) -> dict:
    result = app.test_cli_runner().invoke(args=["sla-sweep"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_postpone_pauses_and_resume_moves_the_due_dates_by_the_pause(api, cast, fetch):
    ticket = api.in_state("assigned")
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    postponed = api.do(
        ticket, "postpone", cast.moderator, reason="Waiting for the vendor", resume_at=later
    )
    assert postponed["sla_status"] == "paused"
    assert postponed["sla_clock"] is None
    # Three hours pass while postponed (the test calendar runs round the clock).
    fetch(
        "UPDATE tickets SET sla_paused_at = sla_paused_at - interval '3 hours' WHERE id = %s",
        ticket["id"],
    )
    resumed = api.do(ticket, "resume", cast.moderator)
    assert resumed["status"] == "assigned"
    assert resumed["sla_status"] == "on_track"
    moved = datetime.fromisoformat(resumed["resolution_due_at"]) - datetime.fromisoformat(
        ticket["resolution_due_at"]
    )
    assert timedelta(hours=3) <= moved < timedelta(hours=3, minutes=1)


def test_sweep_marks_each_breach_once_and_emits_one_event(app, api, cast, client, fetch):
    ticket = api.create()
    fetch(
        "UPDATE tickets SET first_response_due_at = now() - interval '1 minute' WHERE id = %s",
        ticket["id"],
    )
    report = sweep(app)
    assert report["breaches"] == [{"ticket": ticket["number"], "sla_kind": "first_response"}]
    assert sweep(app)["breaches"] == []
    breached = api.get(ticket)
    assert breached["sla_status"] == "breached"
    assert breached["first_response_breached_at"] is not None
    assert breached["version"] == ticket["version"]  # the sweep does not make users' versions stale
    events = fetch(
        "SELECT payload FROM ticket_outbox "
        "WHERE event_type = 'ticket.sla_breached' AND payload->>'ticket_id' = %s",
        ticket["id"],
    )
    assert len(events) == 1
    assert events[0][0]["sla_kind"] == "first_response"
    assert events[0][0]["actor_id"] == str(service_user_id("ticket-service"))
    rows = api.history(ticket, verify=True)
    assert [r["action"] for r in rows["items"]] == ["create", "sla_breached"]
    assert rows["verification"]["ok"] is True
    listed = client.get("/api/tickets/?sla_status=breached", headers=cast.admin.headers).get_json()[
        "items"
    ]
    assert [t["id"] for t in listed] == [ticket["id"]]

    # The resolution clock breaches separately, also once.
    fetch(
        "UPDATE tickets SET resolution_due_at = now() - interval '1 minute' WHERE id = %s",
        ticket["id"],
    )
    assert sweep(app)["breaches"] == [{"ticket": ticket["number"], "sla_kind": "resolution"}]
    assert sweep(app)["breaches"] == []


def test_sweep_refreshes_at_risk_for_list_filters(app, api, cast, client, fetch):
    ticket = api.create(priority="critical")  # 1 h first response
    fetch(
        "UPDATE tickets SET first_response_due_at = now() + interval '5 minutes' WHERE id = %s",
        ticket["id"],
    )
    assert sweep(app)["refreshed"] == 1
    listed = client.get("/api/tickets/?sla_status=at_risk", headers=cast.admin.headers).get_json()[
        "items"
    ]
    assert [t["id"] for t in listed] == [ticket["id"]]


def test_sweep_resumes_postponed_tickets_whose_time_came(app, api, cast, fetch):
    ticket = api.in_state("in_progress")
    later = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    api.do(ticket, "postpone", cast.moderator, reason="Holiday", resume_at=later)
    assert sweep(app)["resumed"] == []
    fetch("UPDATE tickets SET resume_at = now() - interval '1 second' WHERE id = %s", ticket["id"])
    assert sweep(app)["resumed"] == [ticket["id"]]
    resumed = api.get(ticket)
    assert resumed["status"] == "in_progress"
    assert resumed["resume_at"] is None
    last = api.history(ticket)["items"][-1]
    assert (last["action"], last["actor_id"]) == ("resume", str(service_user_id("ticket-service")))
    assert last["reason"] == "resume_at reached"


def test_sweep_closes_tickets_resolved_long_ago(app, api, cast, fetch):
    recent = api.in_state("resolved")
    old = api.in_state("resolved")
    fetch("UPDATE tickets SET resolved_at = now() - interval '8 days' WHERE id = %s", old["id"])
    assert sweep(app)["closed"] == [old["id"]]
    assert api.get(old)["status"] == "closed"
    assert api.get(recent)["status"] == "resolved"


def test_moderator_overrides_the_due_date_with_a_reason(api, cast, client, snapshot):
    ticket = api.create()
    url = f"/api/tickets/{ticket['id']}/sla"
    due = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    before = snapshot(ticket)
    refused = [
        (cast.requestor, {"due_at": due.isoformat(), "reason": "Please"}, 403),
        # The assignee cannot see a ticket not assigned to them: 404, not 403.
        (cast.assignee, {"due_at": due.isoformat(), "reason": "Please"}, 404),
        (cast.moderator, {"due_at": "2020-01-01T00:00:00+00:00", "reason": "Past"}, 422),
        (cast.moderator, {"due_at": due.isoformat(), "reason": "  "}, 422),
        (cast.moderator, {"due_at": due.isoformat()}, 422),
        (cast.moderator, {"due_at": "tomorrow", "reason": "x"}, 422),
        (cast.other_moderator, {"due_at": due.isoformat(), "reason": "x"}, 404),
    ]
    for user, body, status in refused:
        response = client.patch(url, json=body, headers=user.headers)
        assert response.status_code == status, (body, response.get_json())
    assert snapshot(ticket) == before
    response = client.patch(
        url,
        json={"due_at": due.isoformat(), "reason": "Vendor needs two weeks"},
        headers=cast.moderator.headers,
    )
    assert response.status_code == 200
    assert datetime.fromisoformat(response.get_json()["resolution_due_at"]) == due
    last = api.history(ticket)["items"][-1]
    assert last["action"] == "sla_override"
    assert last["reason"] == "Vendor needs two weeks"
    assert last["changes"]["resolution_due_at"][1] == due.isoformat(timespec="microseconds")


def test_concurrent_sweeps_mark_a_clock_at_risk_once(app, api, fetch):
    """Two sweeps at once (two beat workers): one ticket.sla_at_risk event, one history row."""
    import threading

    from ticket_service.extensions import db
    from ticket_service.services.sweep import sweep_tickets

    ticket = api.create(priority="critical")  # 1 h first response
    fetch(
        "UPDATE tickets SET first_response_due_at = now() + interval '5 minutes' WHERE id = %s",
        ticket["id"],
    )
    barrier = threading.Barrier(2)
    reports: list[dict] = []

    def run() -> None:
        with app.app_context():
            barrier.wait()
            report = sweep_tickets(session=db.session, policy=app.extensions["hdms_ticket_policy"])
            reports.append(report.as_dict())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(reports) == 2
    assert sorted(len(r["at_risk"]) for r in reports) == [0, 1]
    events = fetch(
        "SELECT payload FROM ticket_outbox "
        "WHERE event_type = 'ticket.sla_at_risk' AND payload->>'ticket_id' = %s",
        ticket["id"],
    )
    assert len(events) == 1
    payload = events[0][0]
    assert payload["sla_kind"] == "first_response"
    assert payload["actor_id"] == str(service_user_id("ticket-service"))
    assert {k: payload[k] for k in ("department_id", "requestor_id", "assignee_id")} == {
        "department_id": ticket["department_id"],
        "requestor_id": ticket["requestor_id"],
        "assignee_id": None,
    }
    rows = [r["action"] for r in api.history(ticket, verify=True)["items"]]
    assert rows == ["create", "sla_at_risk"]
    assert api.get(ticket)["sla_status"] == "at_risk"
