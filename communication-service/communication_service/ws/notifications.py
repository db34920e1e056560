"""/ws/notifications/: each new notification of the caller, pushed as it is created."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app
from simple_websocket import ConnectionClosed

from communication_service.realtime import Realtime, realtime_of, revoke_socket, short_session
from communication_service.services import notifications
from communication_service.ws.connection import CLOSE_INTERNAL_ERROR, RESYNC, Connection
from communication_service.ws.handshake import authenticate
from communication_service.ws.hub import Frame, notification_channel
from hdms_common.app import settings_of
from hdms_common.auth import CurrentUser

log = logging.getLogger(__name__)


class NotificationConnection(Connection):
    """Pushes notifications; on connect and after a Redis outage, the unread count (refetch cue)."""

    def __init__(self, ws: Any, *, app: Flask, realtime: Realtime, user: CurrentUser) -> None:
        super().__init__(ws, realtime.limits)
        self.app = app
        self.user = user

    def send_unread_count(self) -> None:
        with short_session(self.app) as session:
            count = notifications.unread_count(session=session, user_id=self.user.id)
        self._write(Frame.build({"type": "unread_count", "count": count}))

    def on_writer_start(self) -> None:
        self.send_unread_count()

    def handle_item(self, item: Any) -> None:
        if item is RESYNC:
            self.send_unread_count()
        else:
            super().handle_item(item)

    def idle(self) -> None:
        """The backstop of revoked access (Realtime closes the socket when the stamp arrives)."""
        if self.user.is_revoked:
            revoke_socket(self)

    def on_frame(self, payload: dict[str, Any]) -> None:
        if payload.get("type") == "ping":
            self.send_frame(Frame.build({"type": "pong"}))
        else:
            self.bad_frame("unknown_type", f"Unknown frame type {str(payload.get('type'))[:40]!r}.")


def notifications_socket(ws: Any) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    realtime = realtime_of(app)
    probe = Connection(ws, realtime.limits)
    try:
        _serve_notifications(ws, app, realtime, probe)
    except ConnectionClosed:
        raise
    except Exception:
        log.exception("notifications socket failed")
        probe.close_now(CLOSE_INTERNAL_ERROR, "Internal error")


def _serve_notifications(ws: Any, app: Flask, realtime: Realtime, probe: Connection) -> None:
    user = authenticate(probe, settings_of(app).jwt_secret_key)
    if user is None:
        return
    connection = NotificationConnection(ws, app=app, realtime=realtime, user=user)
    channel = notification_channel(user.id)
    realtime.hub.subscribe(channel, connection)
    try:
        realtime.track(user, connection)
        connection.start_writer()
        connection.receive_loop(connection.on_frame, connection.idle)
    finally:
        realtime.untrack(user, connection)
        realtime.hub.unsubscribe(channel, connection)
        connection.finish()
