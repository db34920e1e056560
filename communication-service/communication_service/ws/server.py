"""The server side of every socket, as flask-sock builds it, with close reasons of our own.

When a client sends a frame the protocol forbids (text that is not UTF-8, a reserved opcode),
wsproto closes the socket with the text of the exception it caught as the reason ("'utf-8'
codec can't decode byte 0xff in position 0..."), and simple-websocket sends that back. A
reason is shown to users and logged by proxies: it says what happened in fixed words instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import flask_sock
from simple_websocket import Server
from wsproto.events import CloseConnection, Event
from wsproto.frame_protocol import CloseReason

#: The reason sent with each close code the protocol layer uses; others are sent without one.
SAFE_CLOSE_REASONS: dict[int, str] = {
    CloseReason.PROTOCOL_ERROR.value: "Protocol error",
    CloseReason.INVALID_FRAME_PAYLOAD_DATA.value: "Invalid frame payload data",
    CloseReason.MESSAGE_TOO_BIG.value: "Message too big",
    CloseReason.POLICY_VIOLATION.value: "Policy violation",
}


def _safe_close(event: Event) -> Event:
    if isinstance(event, CloseConnection):
        return CloseConnection(event.code, SAFE_CLOSE_REASONS.get(int(event.code), ""))
    return event


class SafeCloseServer(Server):  # type: ignore[misc]
    """simple-websocket's server whose echoed close frames carry only fixed reasons."""

    def handshake(self) -> None:
        super().handshake()
        # The reading thread starts after the handshake: every later event passes here.
        events = self.ws.events

        def safe_events() -> Iterator[Event]:
            for event in events():
                yield _safe_close(event)

        self.ws.events = safe_events


def use_safe_close_reasons() -> None:
    """Make flask-sock build :class:`SafeCloseServer` for every socket (it looks the class up
    in its module on each connection)."""
    module: Any = flask_sock
    module.Server = SafeCloseServer
