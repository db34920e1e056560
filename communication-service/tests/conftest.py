"""Fixtures of communication-service's tests: the app on the session's real servers, ticket
events published to the real Redis stream, and real WebSocket clients."""

from __future__ import annotations

import json
import socket
import struct
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
import websocket
from flask import Flask
from flask.testing import FlaskClient

from communication_service import create_app
from communication_service.consumers.ticket_events import build_consumer
from communication_service.extensions import db
from hdms_common.app import settings_of
from hdms_common.clients import TicketClient
from hdms_common.db import utcnow
from hdms_common.events import Event, RedisStreamPublisher
from hdms_common.testing.live import LiveServer
from hdms_common.testing.plugin import TestUser, migrate_database, redis_client


def closed_port_url() -> str:
    """A URL where nothing listens: a dependency that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def comm_environ(base_environ: dict[str, str], auth_service_url: str) -> dict[str, str]:
    return {
        **base_environ,
        "AUTH_SERVICE_URL": auth_service_url,
        "TICKET_SERVICE_URL": closed_port_url(),
        "FILE_SERVICE_URL": closed_port_url(),
        "COMMUNICATION_WS_AUTH_TIMEOUT": "2",
        "COMMUNICATION_WS_MAX_BAD_FRAMES": "15",
        "COMMUNICATION_WS_SLOW_CLOSE_GRACE": "3",
    }


@pytest.fixture(scope="session")
def app(comm_environ: dict[str, str]) -> Flask:
    app = create_app(environ=comm_environ)
    migrate_database(app, db)
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def live(app: Flask) -> Iterator[LiveServer]:
    """The app on a real threaded HTTP server (WebSocket upgrades included)."""
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def department(create_department: Callable[..., uuid.UUID]) -> uuid.UUID:
    return create_department()


@pytest.fixture
def user(token_user: Callable[..., TestUser], department: uuid.UUID) -> Callable[..., TestUser]:
    """``user()`` -> a requestor of the department (a signed token); roles= to change that."""

    def factory(**kwargs: Any) -> TestUser:
        kwargs.setdefault("department_id", department)
        kwargs.setdefault("roles", {"requestor": [department]})
        return token_user(**kwargs)

    return factory


# --- ticket events ---------------------------------------------------------------------------


class EventFeed:
    """The producer's side (RedisStreamPublisher) and this service's consumer, run to idle."""

    def __init__(self, app: Flask, redis_server: Any) -> None:
        self.publisher = RedisStreamPublisher(redis_client(redis_server))
        self.consumer = build_consumer(app, consumer="tests", claim_idle_ms=60_000)

    def publish(
        self,
        type: str,
        payload: dict[str, Any],
        *,
        id: str | None = None,
        occurred_at: datetime | None = None,
        consume: bool = True,
    ) -> Event:
        event = Event(
            type=type,
            payload=payload,
            id=id or str(uuid.uuid4()),
            occurred_at=occurred_at or utcnow(),
        )
        self.consumer.ensure_group()
        self.publisher.publish(event)
        if consume:
            self.drain()
        return event

    def close(self) -> None:
        handler = self.consumer.handler
        auth = getattr(handler, "auth", None)
        if auth is not None:
            auth.session.close()
        self.consumer.client.close()
        self.publisher.client.close()

    def drain(self) -> int:
        handled = 0
        while True:
            count = self.consumer.run_once(block_ms=20)
            if not count:
                return handled
            handled += count


@pytest.fixture
def events(app: Flask, redis_server: Any) -> Iterator[EventFeed]:
    feed = EventFeed(app, redis_server)
    yield feed
    feed.close()


def ticket_payload(
    ticket_id: uuid.UUID,
    *,
    department: uuid.UUID,
    requestor: uuid.UUID,
    assignee: uuid.UUID | None = None,
    status: str = "new",
    actor: uuid.UUID | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "ticket_id": str(ticket_id),
        "ticket_number": f"T-{ticket_id.hex[:6].upper()}",
        "title": "Laptop does not boot",
        "department_id": str(department),
        "requestor_id": str(requestor),
        "assignee_id": str(assignee) if assignee else None,
        "status": status,
        "priority": "medium",
        "actor_id": str(actor or requestor),
        **extra,
    }


@pytest.fixture
def open_ticket(events: EventFeed, department: uuid.UUID) -> Callable[..., uuid.UUID]:
    """``open_ticket(requestor, assignee=None)``: ticket.created (and .assigned) consumed."""

    def factory(
        requestor: TestUser, assignee: TestUser | None = None, dept: uuid.UUID | None = None
    ) -> uuid.UUID:
        ticket_id = uuid.uuid4()
        dept = dept or department
        events.publish(
            "ticket.created", ticket_payload(ticket_id, department=dept, requestor=requestor.id)
        )
        if assignee is not None:
            events.publish(
                "ticket.assigned",
                ticket_payload(
                    ticket_id,
                    department=dept,
                    requestor=requestor.id,
                    assignee=assignee.id,
                    status="assigned",
                    actor=uuid.uuid4(),
                    previous_assignee_id=None,
                ),
            )
        return ticket_id

    return factory


# --- the real ticket-service ------------------------------------------------------------------


class TicketService:
    """ticket-service's real app on a live port, and its outbox relayed to the events stream."""

    def __init__(self, app: Flask, url: str, redis_server: Any) -> None:
        self.app = app
        self.url = url
        self.redis_server = redis_server

    def relay(self) -> int:
        """Publish what waits in ticket-service's outbox, as its relay does."""
        from ticket_service.extensions import db as ticket_db
        from ticket_service.services.events import relay_outbox

        publisher = RedisStreamPublisher(redis_client(self.redis_server))
        try:
            with self.app.app_context():
                try:
                    return relay_outbox(session=ticket_db.session, publisher=publisher)
                finally:
                    ticket_db.session.remove()
        finally:
            publisher.client.close()


@pytest.fixture(scope="session")
def ticket_service(
    base_environ: dict[str, str], auth_service_url: str, redis_server: Any
) -> Iterator[TicketService]:
    from ticket_service import create_app as create_ticket_app
    from ticket_service.extensions import db as ticket_db

    ticket_app = create_ticket_app(
        environ={
            **base_environ,
            "AUTH_SERVICE_URL": auth_service_url,
            "FILE_SERVICE_URL": "http://127.0.0.1:9",
        }
    )
    migrate_database(ticket_app, ticket_db)
    with LiveServer(ticket_app) as server:
        yield TicketService(ticket_app, server.url, redis_server)


@pytest.fixture
def ticket_service_url(ticket_service: TicketService) -> str:
    return ticket_service.url


@pytest.fixture
def via_ticket_service(app: Flask, ticket_service: TicketService) -> Iterator[None]:
    """Point this service's ticket client at the live ticket-service for one test."""
    previous = app.extensions.get("hdms_ticket_client")
    app.extensions["hdms_ticket_client"] = TicketClient(
        ticket_service.url, versions_redis_url=settings_of(app).redis_url
    )
    yield
    app.extensions["hdms_ticket_client"].session.close()
    if previous is None:
        app.extensions.pop("hdms_ticket_client")
    else:
        app.extensions["hdms_ticket_client"] = previous


# --- WebSocket clients -------------------------------------------------------------------------


class WsClient:
    """A real WebSocket client (websocket-client) with helpers that read frames as JSON."""

    def __init__(self, url: str, timeout: float = 5.0, **options: Any) -> None:
        self.ws = websocket.create_connection(url, timeout=timeout, **options)
        self.close_code: int | None = None
        self.close_reason = ""

    def send(self, data: Any) -> None:
        self.ws.send(data if isinstance(data, str) else json.dumps(data))

    def recv(self, timeout: float = 5.0) -> dict[str, Any] | None:
        """The next JSON frame; None once the server closed (close_code is then set)."""
        if self.close_code is not None:
            return None
        self.ws.settimeout(timeout)
        try:
            opcode, frame = self.ws.recv_data_frame()
        except websocket.WebSocketConnectionClosedException:
            self.close_code = self.close_code or 1006
            return None
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            data = frame.data or b""
            self.close_code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else 1005
            self.close_reason = data[2:].decode(errors="replace")
            return None
        return json.loads(frame.data)

    def recv_type(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next frame of type ``kind``, skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {kind} frame within {timeout}s")
            frame = self.recv(left)
            if frame is None:
                raise AssertionError(f"closed with {self.close_code} while waiting for {kind}")
            if frame.get("type") == kind:
                return frame

    def messages(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        return [self.recv_type("message", timeout) for _ in range(count)]

    def nothing_more(self, kind: str = "message", wait: float = 0.5) -> None:
        """Assert no frame of ``kind`` arrives within ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            try:
                frame = self.recv(left)
            except websocket.WebSocketTimeoutException:
                return
            assert frame is None or frame.get("type") != kind, f"unexpected {frame}"
            if frame is None:
                return

    def wait_closed(self, timeout: float = 5.0) -> int:
        """Read until the server closes; returns the close code."""
        deadline = time.monotonic() + timeout
        while self.close_code is None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("the server did not close the socket")
            try:
                self.recv(left)
            except websocket.WebSocketTimeoutException:
                continue
            except (ConnectionError, OSError):
                self.close_code = 1006
        return self.close_code

    def close(self) -> None:
        try:
            self.ws.close(timeout=1)
        except Exception:  # noqa: BLE001 - the server may have closed first
            pass
        finally:
            self.ws.shutdown()


@pytest.fixture
def ws_connect(live: LiveServer) -> Iterator[Callable[..., WsClient]]:
    """``ws_connect(path, token=None, **query)`` -> a connected client; all closed after."""
    opened: list[WsClient] = []
    base = live.url.replace("http://", "ws://")

    def connect(
        path: str, token: str | None = None, server: str | None = None, **query: Any
    ) -> WsClient:
        params = dict(query)
        if token is not None:
            params["token"] = token
        url = (server or base) + path
        if params:
            url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
        ws = WsClient(url)
        opened.append(ws)
        return ws

    yield connect
    for ws in opened:
        ws.close()


def post_message(
    client: FlaskClient, ticket_id: uuid.UUID, who: TestUser, body: str, **extra: Any
) -> Any:
    return client.post(
        f"/api/chat/{ticket_id}/messages/", json={"body": body, **extra}, headers=who.headers
    )


@pytest.fixture
def post(client: FlaskClient) -> Callable[..., Any]:
    """``post(ticket_id, user, body, **fields)`` -> the response of POST messages."""

    def send(ticket_id: uuid.UUID, who: TestUser, body: str, **extra: Any) -> Any:
        return post_message(client, ticket_id, who, body, **extra)

    return send
