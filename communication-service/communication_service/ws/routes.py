"""The WebSocket routes (docs/api.md): registered on ``sock`` before it is bound to the app."""

from __future__ import annotations

from typing import Any

from communication_service.extensions import sock
from communication_service.ws.chat import chat_socket
from communication_service.ws.notifications import notifications_socket


@sock.route("/ws/chat/<ticket_id>/")
def chat(ws: Any, ticket_id: str) -> None:
    chat_socket(ws, ticket_id)


@sock.route("/ws/notifications/")
def notification_feed(ws: Any) -> None:
    notifications_socket(ws)
