"""What happens after a chat message or a notification is committed: broadcast, then nudge.

Messages are stored first; only then are they published, so a client that reconnects with
``after`` finds in the database everything it could have been sent live.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask

from communication_service.config import RealtimeLimits
from communication_service.extensions import db
from communication_service.models import ChatMessage, ChatTicket, Notification
from communication_service.schemas.messages import MessageSchema
from communication_service.schemas.notifications import NotificationSchema
from communication_service.services import notifications, participants
from communication_service.ws.connection import CLOSE_UNAUTHORIZED, Connection, error_frame
from communication_service.ws.hub import (
    Frame,
    Hub,
    chat_channel,
    notification_channel,
    ticket_channel,
)
from communication_service.ws.presence import Presence
from hdms_common.access import access_stamps
from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession
from hdms_common.realtime import ticket_changed_text

log = logging.getLogger(__name__)
_message_schema = MessageSchema()
_notification_schema = NotificationSchema()


def message_frame(message: ChatMessage) -> Frame:
    return Frame.build({"type": "message", **_message_schema.dump(message)})


def notification_frame(notification: Notification) -> Frame:
    return Frame.build(
        {
            "type": "notification",
            "notification": _notification_schema.dump(notification),
        }
    )


def notification_frames(items: Iterable[Notification]) -> list[tuple[str, Frame]]:
    """Frames for notifications, built while they are loaded (before the commit expires them)."""
    return [(notification_channel(n.user_id), notification_frame(n)) for n in items]


def ticket_changed_frame(ticket_id: object) -> tuple[str, Frame]:
    """(channel, frame) telling the ticket's open chat sockets to check again who may see it."""
    return ticket_channel(ticket_id), Frame.from_text(ticket_changed_text(ticket_id))


@contextmanager
def short_session(app: Flask) -> Iterator[DbSession]:
    """A database session for one unit of work of a socket, closed right after."""
    with app.app_context():
        try:
            yield db.session
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        finally:
            db.session.remove()


@dataclass(frozen=True)
class PostedMessage:
    """What the after-commit steps need of a message, taken before the commit expires it."""

    ticket_id: uuid.UUID
    sender_id: uuid.UUID
    sender_name: str
    body: str
    frame: Frame

    @classmethod
    def of(cls, message: ChatMessage) -> PostedMessage:
        return cls(
            ticket_id=message.ticket_id,
            sender_id=message.sender_id,
            sender_name=message.sender_name,
            body=message.body,
            frame=message_frame(message),
        )


class Realtime:
    """The process's hub and presence, and the after-commit steps that use them."""

    def __init__(self, app: Flask, *, redis_url: str, limits: RealtimeLimits) -> None:
        self.app = app
        self.limits = limits
        self.hub = Hub(redis_url)
        self.presence = Presence(redis_url, ttl=limits.presence_ttl)
        self._sockets: dict[uuid.UUID, dict[Connection, CurrentUser]] = {}
        self._sockets_lock = threading.Lock()
        access_stamps().add_listener(self._close_revoked)

    # --- sockets by user, so that revoked access closes them at once ----------------------

    def track(self, user: CurrentUser, connection: Connection) -> bool:
        """Remember an open socket of ``user``; False (and closed 4401) when already revoked.

        The check after registering closes the gap with a stamp recorded meanwhile.
        """
        with self._sockets_lock:
            self._sockets.setdefault(user.id, {})[connection] = user
        if user.is_revoked:
            revoke_socket(connection)
            return False
        return True

    def untrack(self, user: CurrentUser, connection: Connection) -> None:
        with self._sockets_lock:
            sockets = self._sockets.get(user.id)
            if sockets is not None:
                sockets.pop(connection, None)
                if not sockets:
                    del self._sockets[user.id]

    def _close_revoked(self, employee_id: uuid.UUID, valid_after_ms: int) -> None:
        """A stamp arrived (auth-service took access away): close the sockets it revokes."""
        with self._sockets_lock:
            sockets = list(self._sockets.get(employee_id, {}).items())
        for connection, user in sockets:
            if user.issued_ms < valid_after_ms:
                revoke_socket(connection)

    def publish_all(self, frames: Iterable[tuple[str, Frame]]) -> None:
        """Publish (channel, frame) pairs built before the commit, in one round trip."""
        self.hub.publish_many(list(frames))

    def ticket_changed(self, ticket_id: object) -> None:
        """Tell the ticket's open chat sockets to check again who may see it."""
        self.hub.publish(*ticket_changed_frame(ticket_id))

    def publish_live(self, ticket_id: uuid.UUID, data: dict[str, object]) -> None:
        """Typing indicators and read receipts: never stored, lost if nobody listens."""
        self.hub.publish(chat_channel(ticket_id), Frame.build(data))

    def after_message_posted(self, *, session: DbSession, posted: PostedMessage) -> None:
        """Broadcast a committed message, then notify participants who do not have the chat open.

        Runs after the commit, with no transaction open while Redis is asked. A failure here
        loses no message (it is stored); it is logged.
        """
        ticket_id, sender_id = posted.ticket_id, posted.sender_id
        sender_name, body = posted.sender_name, posted.body
        try:
            self.hub.publish(chat_channel(ticket_id), posted.frame)
            connected = self.presence.connected(ticket_id)
            absent = participants.participant_ids(session=session, ticket_id=ticket_id)
            absent -= connected | {sender_id}
            if not absent:
                session.commit()
                return
            ticket = session.get(ChatTicket, ticket_id)
            label = "a ticket"
            if ticket is not None:
                label = " ".join(p for p in (ticket.ticket_number, ticket.title) if p) or label
            changed = notifications.notify_chat_message(
                session=session,
                user_ids=absent,
                ticket_id=ticket_id,
                ticket_label=label,
                sender_name=sender_name,
                body=body,
            )
            frames = notification_frames(changed)
            session.commit()
            self.publish_all(frames)
        except Exception:
            session.rollback()
            log.exception("after-post steps failed for a message of ticket %s", ticket_id)


def revoke_socket(connection: Connection) -> None:
    """Tell the client why, then close with 4401 (it should refresh its token or sign in)."""
    connection.send_frame(
        error_frame("unauthorized", "Your access changed: sign in again to continue.")
    )
    connection.close(CLOSE_UNAUTHORIZED, "Access revoked")


def realtime_of(app: Flask) -> Realtime:
    realtime = app.extensions["hdms_realtime"]
    assert isinstance(realtime, Realtime)
    return realtime
