"""Events leave through the outbox: to the Redis stream, or the in-process bus; none is lost."""

from __future__ import annotations

import json

import redis

from hdms_common.events import TICKET_EVENTS_STREAM, RedisStreamPublisher, embedded_bus
from hdms_common.realtime import ticket_channel, ticket_version_key
from hdms_common.testing.plugin import redis_client
from hdms_run.servers import free_port
from ticket_service.extensions import db
from ticket_service.services.events import count_unsent, relay_outbox


def stream_entries(redis_server) -> list[dict]:
    entries = redis_client(redis_server).xrange(TICKET_EVENTS_STREAM)
    return [{k.decode(): v.decode() for k, v in fields.items()} for _, fields in entries]


def test_relay_publishes_each_event_once_in_order(app, api, cast, redis_server, fetch):
    ticket = api.in_state("assigned")
    result = app.test_cli_runner().invoke(args=["outbox-relay", "--once"])
    assert result.exit_code == 0, result.output
    assert "relayed 2 event(s)" in result.output
    entries = stream_entries(redis_server)
    assert [e["type"] for e in entries] == ["ticket.created", "ticket.assigned"]
    ids = {str(row[0]) for row in fetch("SELECT id FROM ticket_outbox")}
    assert {e["id"] for e in entries} == ids
    assigned = json.loads(entries[1]["payload"])
    assert assigned["ticket_id"] == ticket["id"]
    assert assigned["assignee_id"] == str(cast.assignee.id)
    assert assigned["previous_assignee_id"] is None
    assert assigned["status"] == "assigned"
    assert entries[1]["request_id"]
    assert fetch("SELECT count(*) FROM ticket_outbox WHERE sent_at IS NULL") == [(0,)]
    app.test_cli_runner().invoke(args=["outbox-relay", "--once"])
    assert len(stream_entries(redis_server)) == 2


def test_events_wait_in_the_outbox_while_redis_is_down(app, api, redis_server):
    api.in_state("under_review")
    nowhere = RedisStreamPublisher(redis.Redis(port=free_port(), socket_connect_timeout=0.2))
    with app.app_context():
        assert relay_outbox(session=db.session, publisher=nowhere) == 0
        assert count_unsent(session=db.session) == 2
        working = RedisStreamPublisher(redis_client(redis_server))
        assert relay_outbox(session=db.session, publisher=working) == 2
        assert count_unsent(session=db.session) == 0
    assert [e["type"] for e in stream_entries(redis_server)] == [
        "ticket.created",
        "ticket.status_changed",
    ]


def test_the_embedded_bus_receives_events_in_process(app, api):
    received = []
    embedded_bus().subscribe(received.append)
    ticket = api.in_state("new")
    with app.app_context():
        assert relay_outbox(session=db.session, publisher=embedded_bus()) == 1
    event = [e for e in received if e.payload["ticket_id"] == ticket["id"]][0]
    assert event.type == "ticket.created"
    assert event.payload["ticket_number"] == ticket["number"]


def test_a_committed_change_is_announced_on_its_ticket_channel_before_the_response(
    app, api, cast, redis_server
):
    ticket = api.in_state("assigned")
    realtime = redis_client(redis_server, db=1)
    listener = realtime.pubsub()
    listener.subscribe(ticket_channel(ticket["id"]))
    assert listener.get_message(timeout=2)["type"] == "subscribe"
    counter = ticket_version_key(ticket["id"])
    before = int(realtime.get(counter) or 0)

    refused = api.act(ticket, "reassign", cast.moderator, assignee_id=str(cast.assignee.id))
    assert refused.status_code == 422, refused.json
    assert int(realtime.get(counter) or 0) == before  # nothing committed, nothing announced
    response = api.act(ticket, "reassign", cast.moderator, assignee_id=str(cast.second_assignee.id))
    assert response.status_code == 200, response.json

    assert int(realtime.get(counter) or 0) == before + 1  # moved before the response left
    message = listener.get_message(timeout=2)
    assert message["type"] == "message"
    assert json.loads(message["data"]) == {"type": "ticket_changed", "ticket_id": ticket["id"]}
    assert listener.get_message(timeout=0.2) is None
    listener.close()
    realtime.close()
