"""Frames are encoded once per message and written as the same bytes to every plain socket;
a socket that negotiated permessage-deflate still gets its frames through wsproto."""

from __future__ import annotations

import json
import socket
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
from wsproto import ConnectionType, WSConnection
from wsproto.connection import Connection
from wsproto.events import AcceptConnection, Request, TextMessage
from wsproto.extensions import PerMessageDeflate

from communication_service.ws.hub import Frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65_535, 65_536, 70_000])
def test_the_wire_bytes_are_what_wsproto_sends_for_the_same_text(size):
    text = ("é" * size)[: max(0, size - 1)] + "x" if size else ""
    frame = Frame(kind="message", text=text)
    server = Connection(ConnectionType.SERVER)
    assert frame.wire == server.send(TextMessage(data=text))
    assert frame.wire is frame.wire  # built once, shared by every socket


def _open_deflate_client(url: str, path: str) -> tuple[socket.socket, WSConnection]:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
    client = WSConnection(ConnectionType.CLIENT)
    sock.sendall(
        client.send(Request(host=parts.netloc, target=path, extensions=[PerMessageDeflate()]))
    )
    return sock, client


def _texts(sock: socket.socket, client: WSConnection, until: float) -> Any:
    """Yield each text message (and whether the handshake accepted deflate first)."""
    buffer = ""
    while time.monotonic() < until:
        data = sock.recv(65536)
        if not data:
            return
        client.receive_data(data)
        for event in client.events():
            if isinstance(event, AcceptConnection):
                yield ("accepted", [type(e).__name__ for e in event.extensions])
            elif isinstance(event, TextMessage):
                buffer += event.data
                if event.message_finished:
                    yield ("text", json.loads(buffer))
                    buffer = ""


def test_a_socket_with_permessage_deflate_gets_its_messages(
    user, open_ticket, department, live, post
):
    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = open_ticket(requestor, assignee)
    sock, client = _open_deflate_client(live.url, f"/ws/chat/{ticket}/?token={requestor.token}")
    try:
        received = _texts(sock, client, time.monotonic() + 10)
        assert next(received) == ("accepted", ["PerMessageDeflate"])
        assert next(received)[1]["type"] == "ready"
        body = "compressed " + uuid.uuid4().hex * 20
        assert post(ticket, assignee, body).status_code == 201
        kind, frame = next(received)
        assert kind == "text" and frame["type"] == "message" and frame["body"] == body
    finally:
        sock.close()
