"""The embedded mode: the same service on SQLite, events on the in-process bus, demo seed."""

from __future__ import annotations

import json

from hdms_common.events import embedded_bus


def test_the_whole_life_cycle_runs_on_sqlite(sqlite_app, cast, api_on):
    c = cast
    api = api_on(sqlite_app.test_client())
    first = api.create(title="Printer on fire")
    second = api.create(title="Mouse missing")
    assert (first["number"], second["number"]) == ("HD-000001", "HD-000002")
    ticket = api.do(first, "assign", c.moderator, assignee_id=str(c.assignee.id))
    ticket = api.do(ticket, "acknowledge", c.assignee)
    client = api.client
    response = client.post(
        f"/api/tickets/{ticket['id']}/sub-tickets/",
        json={
            "title": "Extinguisher",
            "department_id": str(c.department),
            "assignee_id": str(c.second_assignee.id),
        },
        headers=c.moderator.headers,
    )
    assert response.status_code == 201
    listed = client.get("/api/tickets/", headers=c.second_assignee.headers).get_json()["items"]
    assert [t["id"] for t in listed] == [ticket["id"]]
    found = client.get("/api/tickets/?q=fire", headers=c.admin.headers).get_json()["items"]
    assert [t["id"] for t in found] == [ticket["id"]]
    assert api.history(ticket, verify=True)["verification"]["ok"] is True

    received = []
    embedded_bus().subscribe(received.append)
    result = sqlite_app.test_cli_runner().invoke(args=["outbox-relay", "--once"])
    assert result.exit_code == 0, result.output
    mine = [e.type for e in received if e.payload["ticket_id"] == ticket["id"]]
    assert mine == [
        "ticket.created",
        "ticket.assigned",
        "ticket.status_changed",
        "sub_ticket.created",
        "sub_ticket.assigned",
    ]
    sweep = sqlite_app.test_cli_runner().invoke(args=["sla-sweep"])
    assert json.loads(sweep.output)["breaches"] == []


def test_search_on_sqlite_takes_percent_and_underscore_literally(sqlite_app, cast, api_on):
    api = api_on(sqlite_app.test_client())
    percent = api.create(title="Discount of 50% wrong")
    underscore = api.create(title="File my_report broken")
    api.create(title="Plain printer problem")
    api.create(title="Back slash \\ in path")

    def found(q: str) -> set[str]:
        response = api.client.get(
            "/api/tickets/", query_string={"q": q}, headers=cast.admin.headers
        )
        assert response.status_code == 200, response.get_json()
        return {item["id"] for item in response.get_json()["items"]}

    assert found("%") == {percent["id"]}
    assert found("_") == {underscore["id"]}
    assert found("50%") == {percent["id"]}
    assert found("my_r") == {underscore["id"]}
    assert len(found("\\")) == 1
