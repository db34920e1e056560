"""Service clients and the event stream against real peers: a live HTTP server and real Redis."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
import redis
from flask import Flask, jsonify, request

from hdms_common.clients import ServiceClient
from hdms_common.errors import DependencyUnavailable
from hdms_common.events import Event, EventConsumer, InMemoryEventBus, RedisStreamPublisher
from hdms_common.logging import init_request_ids


@pytest.fixture
def peer(live_server_factory):
    """A small real HTTP peer that records what it received and fails on demand."""
    app = Flask("peer")
    state = {"calls": 0, "fail_first": 0, "headers": []}

    @app.route("/echo", methods=["GET", "POST"])
    def echo():
        state["calls"] += 1
        state["headers"].append(dict(request.headers))
        if state["calls"] <= state["fail_first"]:
            return jsonify(error="busy"), 503
        return jsonify(ok=True, calls=state["calls"])

    @app.route("/slow")
    def slow():
        time.sleep(2)
        return jsonify(ok=True)

    @app.route("/missing")
    def missing():
        return jsonify(error="nope"), 404

    server = live_server_factory(app)
    return server.url, state


def test_idempotent_calls_are_retried_a_bounded_number_of_times(peer):
    url, state = peer
    state["fail_first"] = 2
    client = ServiceClient(url, service="peer", retries=2)
    assert client.get_json("/echo") == {"ok": True, "calls": 3}


def test_retries_are_bounded_and_then_the_dependency_is_unavailable(peer):
    url, state = peer
    state["fail_first"] = 10
    client = ServiceClient(url, service="peer", retries=2)
    with pytest.raises(DependencyUnavailable):
        client.get_json("/echo")
    assert state["calls"] == 3


def test_non_idempotent_calls_are_not_retried(peer):
    url, state = peer
    state["fail_first"] = 1
    client = ServiceClient(url, service="peer", retries=2)
    with pytest.raises(DependencyUnavailable):
        client.request("POST", "/echo", json={})
    assert state["calls"] == 1


def test_a_slow_peer_times_out_as_unavailable(peer):
    url, _ = peer
    client = ServiceClient(url, service="peer", retries=0, timeout=(1.0, 0.3))
    started = time.monotonic()
    with pytest.raises(DependencyUnavailable):
        client.get_json("/slow")
    assert time.monotonic() - started < 1.5


def test_unreachable_peer_is_unavailable_not_a_crash():
    from hdms_run.servers import free_port

    client = ServiceClient(f"http://127.0.0.1:{free_port()}", service="nobody", retries=1)
    with pytest.raises(DependencyUnavailable):
        client.get_json("/anything")


def test_404_is_none_for_the_caller(peer):
    url, _ = peer
    assert ServiceClient(url, service="peer").get_json("/missing") is None


def test_request_id_and_callers_token_are_passed_on(peer):
    url, state = peer
    app = Flask("caller")
    init_request_ids(app, "caller")
    client = ServiceClient(url, service="peer")

    @app.route("/call")
    def call():
        client.get_json("/echo")
        return jsonify(ok=True)

    app.test_client().get(
        "/call", headers={"X-Request-ID": "rid-77", "Authorization": "Bearer tok-1"}
    )
    assert state["headers"][-1]["X-Request-Id"] == "rid-77"
    assert state["headers"][-1]["Authorization"] == "Bearer tok-1"


def _client(redis_server) -> redis.Redis:
    return redis.Redis(host=redis_server.host, port=redis_server.port, db=0)


def test_published_events_are_consumed_once_each_and_acknowledged(redis_server):
    client = _client(redis_server)
    received: list[Event] = []
    consumer = EventConsumer(client, group="tests", handler=received.append, stream="t:events")
    consumer.ensure_group()
    publisher = RedisStreamPublisher(client, stream="t:events")
    events = [Event(type="ticket.created", payload={"n": i}) for i in range(5)]
    for event in events:
        publisher.publish(event)
    assert consumer.run_once(block_ms=100) == 5
    assert [e.id for e in received] == [e.id for e in events]
    assert received[0].payload == {"n": 0}
    assert consumer.run_once(block_ms=100) == 0
    assert client.xpending("t:events", "tests")["pending"] == 0


def test_a_failed_handler_leaves_the_event_pending_and_it_is_redelivered(redis_server):
    client = _client(redis_server)
    attempts: list[str] = []

    def flaky(event: Event) -> None:
        attempts.append(event.id)
        if len(attempts) == 1:
            raise RuntimeError("database briefly down")

    consumer = EventConsumer(
        client, group="tests", handler=flaky, stream="t:flaky", claim_idle_ms=0
    )
    consumer.ensure_group()
    event = Event(type="ticket.assigned", payload={})
    RedisStreamPublisher(client, stream="t:flaky").publish(event)
    assert consumer.run_once(block_ms=100) == 0
    assert client.xpending("t:flaky", "tests")["pending"] == 1
    assert consumer.run_once(block_ms=100) == 1
    assert attempts == [event.id, event.id]
    assert client.xpending("t:flaky", "tests")["pending"] == 0


def test_a_batch_handler_gets_one_read_together_and_it_is_acknowledged_at_once(redis_server):
    client = _client(redis_server)
    batches: list[list[str]] = []
    consumer = EventConsumer(
        client,
        group="tests",
        handler=lambda e: pytest.fail("a batch that succeeded is not applied one by one"),
        batch_handler=lambda events: batches.append([e.id for e in events]),
        stream="t:batch",
    )
    consumer.ensure_group()
    publisher = RedisStreamPublisher(client, stream="t:batch")
    events = [Event(type="ticket.created", payload={"n": i}) for i in range(4)]
    for event in events:
        publisher.publish(event)
    assert consumer.run_once(block_ms=100) == 4
    assert batches == [[e.id for e in events]]
    assert client.xpending("t:batch", "tests")["pending"] == 0


def test_a_failed_batch_is_applied_one_by_one_and_only_the_bad_event_stays_pending(
    redis_server,
):
    client = _client(redis_server)
    applied: list[int] = []

    def one(event: Event) -> None:
        if event.payload["n"] == 1:
            raise RuntimeError("this one cannot be applied yet")
        applied.append(event.payload["n"])

    def batch(events: Sequence[Event]) -> None:
        raise RuntimeError("a batch is all or nothing")

    consumer = EventConsumer(
        client, group="tests", handler=one, batch_handler=batch, stream="t:batchfail"
    )
    consumer.ensure_group()
    publisher = RedisStreamPublisher(client, stream="t:batchfail")
    for n in range(3):
        publisher.publish(Event(type="ticket.created", payload={"n": n}))
    assert consumer.run_once(block_ms=100) == 2
    assert applied == [0, 2]
    assert client.xpending("t:batchfail", "tests")["pending"] == 1


def test_events_of_a_consumer_that_died_are_claimed_by_another(redis_server):
    client = _client(redis_server)
    dead = EventConsumer(
        client, group="tests", handler=lambda e: None, stream="t:claim", consumer="dead"
    )
    dead.ensure_group()
    RedisStreamPublisher(client, stream="t:claim").publish(Event(type="x", payload={}))
    # "dead" reads the entry and never acknowledges it.
    client.xreadgroup("tests", "dead", {"t:claim": ">"}, count=10)
    received: list[Event] = []
    alive = EventConsumer(
        client,
        group="tests",
        handler=received.append,
        stream="t:claim",
        consumer="alive",
        claim_idle_ms=0,
    )
    assert alive.run_once(block_ms=100) == 1
    assert len(received) == 1


def test_consumer_waits_out_a_redis_outage_and_then_delivers(redis_server):
    client = redis.Redis(host=redis_server.host, port=redis_server.port, socket_timeout=2)
    received: list[Event] = []
    consumer = EventConsumer(client, group="tests", handler=received.append, stream="t:outage")
    consumer.ensure_group()
    redis_server.stop()
    worker = threading.Thread(target=consumer.run_forever, kwargs={"block_ms": 100}, daemon=True)
    worker.start()
    time.sleep(0.5)
    assert worker.is_alive()
    redis_server.start()
    consumer_stream_client = redis.Redis(host=redis_server.host, port=redis_server.port)
    RedisStreamPublisher(consumer_stream_client, stream="t:outage").publish(
        Event(type="x", payload={})
    )
    deadline = time.monotonic() + 10
    while not received and time.monotonic() < deadline:
        time.sleep(0.1)
    consumer.stop()
    worker.join(timeout=5)
    assert len(received) == 1


def test_in_memory_bus_calls_every_subscriber_and_isolates_failures():
    bus = InMemoryEventBus()
    seen: list[str] = []

    def broken(event: Event) -> None:
        raise RuntimeError("bug in one subscriber")

    bus.subscribe(broken)
    bus.subscribe(lambda event: seen.append(event.type))
    bus.publish(Event(type="ticket.created", payload={}))
    assert seen == ["ticket.created"]


@pytest.fixture
def paged_peer(live_server_factory):
    """A real HTTP peer serving a list of 7 items in pages of ``limit``, as auth-service does."""
    app = Flask("paged")
    state = {"queries": [], "refuse": False}

    @app.route("/api/employees/")
    def employees():
        state["queries"].append(request.args.to_dict())
        if state["refuse"]:
            return jsonify(error="no"), 403
        start = int(request.args.get("cursor", "0"))
        limit = int(request.args["limit"])
        items = [{"id": n} for n in range(start, min(start + limit, 7))]
        following = start + limit
        return jsonify(items=items, next_cursor=str(following) if following < 7 else None)

    return live_server_factory(app).url, state


def test_list_all_follows_next_cursor_with_the_callers_filters(paged_peer):
    url, state = paged_peer
    client = ServiceClient(url, service="peer")
    items = client.list_all("/api/employees/", params={"role": "moderator"}, page_size=3)
    assert items == [{"id": n} for n in range(7)]
    assert state["queries"] == [
        {"role": "moderator", "limit": "3"},
        {"role": "moderator", "limit": "3", "cursor": "3"},
        {"role": "moderator", "limit": "3", "cursor": "6"},
    ]


def test_list_all_stops_after_max_pages_and_is_none_when_refused(paged_peer):
    url, state = paged_peer
    client = ServiceClient(url, service="peer")
    assert client.list_all("/api/employees/", page_size=2, max_pages=2) == [
        {"id": n} for n in range(4)
    ]
    state["refuse"] = True
    assert client.list_all("/api/employees/") is None
