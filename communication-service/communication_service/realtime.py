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
from typing import Protocol

import redis
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from communication_service.config import RealtimeLimits
from communication_service.extensions import db
from communication_service.models import ChatMessage, ChatTicket, Notification
from communication_service.schemas.messages import MessageSchema
from communication_service.schemas.notifications import NotificationSchema
from communication_service.services import notifications, participants
from communication_service.services.messages import Stored
from communication_service.ws.connection import CLOSE_UNAUTHORIZED, Connection, error_frame
from communication_service.ws.hub import (
    Frame,
    Hub,
    chat_channel,
    notification_channel,
    ticket_channel,
)
from communication_service.ws.presence import Presence, users_of
from hdms_common.access import access_stamps
from hdms_common.auth import CurrentUser
from hdms_common.db import DbSession
from hdms_common.realtime import ticket_changed_text

log = logging.getLogger(__name__)
_message_schema = MessageSchema()
_notification_schema = NotificationSchema()


def message_frame(message: ChatMessage) -> Frame:
    return Frame.build({"type": "message", **_message_schema.dump(message)})


def new_message_frame(stored: Stored) -> Frame:
    """The frame of a message just stored, as :func:`message_frame` dumps it (tested equal),
    built from plain values: a new message is never edited or deleted yet."""
    data = {
        "type": "message",
        "id": str(stored.id),
        "ticket_id": str(stored.ticket_id),
        "seq": stored.seq,
        "sender_id": str(stored.sender_id),
        "sender_name": stored.sender_name,
        "body": stored.body,
        "attachments": list(stored.attachments),
        "client_msg_id": stored.client_msg_id,
        "created_at": stored.created_at.isoformat(),
        "edited_at": None,
        "deleted_at": None,
    }
    return Frame.build(data, seq=stored.seq)


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


class ChatSocket(Protocol):
    """What the worker's sweep needs of an open chat socket (ws.chat.ChatConnection)."""

    id: str
    ticket_id: uuid.UUID
    user: CurrentUser

    def recheck(self) -> None:
        """Have the socket's writer ask ticket-service again (and close if the user lost it)."""


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
    #: The ticket's users as read when the message was stored; None: read them after the commit.
    participants: frozenset[uuid.UUID] | None = None

    @classmethod
    def of(cls, message: ChatMessage) -> PostedMessage:
        return cls(
            ticket_id=message.ticket_id,
            sender_id=message.sender_id,
            sender_name=message.sender_name,
            body=message.body,
            frame=message_frame(message),
        )

    @classmethod
    def of_stored(cls, stored: Stored) -> PostedMessage:
        return cls(
            ticket_id=stored.ticket_id,
            sender_id=stored.sender_id,
            sender_name=stored.sender_name,
            body=stored.body,
            frame=new_message_frame(stored),
            participants=stored.participants,
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
        self._chats: dict[uuid.UUID, set[ChatSocket]] = {}
        self._sweeper: threading.Thread | None = None
        self._stopping = threading.Event()
        access_stamps().add_listener(self._close_revoked)

    # --- open chat sockets by ticket: presence and the copy's check, once per worker ------

    def open_chat(self, chat: ChatSocket) -> None:
        """Count a live chat socket in the worker's periodic sweep (:meth:`sweep`)."""
        with self._sockets_lock:
            self._chats.setdefault(chat.ticket_id, set()).add(chat)
            if self._sweeper is None:
                self._sweeper = threading.Thread(
                    target=self._sweep_loop, name="hdms-chat-sweep", daemon=True
                )
                self._sweeper.start()

    def close_chat(self, chat: ChatSocket) -> None:
        with self._sockets_lock:
            chats = self._chats.get(chat.ticket_id)
            if chats is not None:
                chats.discard(chat)
                if not chats:
                    del self._chats[chat.ticket_id]

    def stop(self) -> None:
        self._stopping.set()

    def _sweep_loop(self) -> None:
        while not self._stopping.wait(self.limits.presence_ttl / 3):
            try:
                self.sweep()
            except Exception:
                log.exception("the chat sockets' periodic check failed")

    def sweep(self) -> None:
        """Every third of the presence TTL: refresh the presence of every open chat socket of
        this worker, and have each socket the copy kept from events no longer allows ask
        ticket-service again (which decides; it closes the socket if the user lost the ticket).

        One Redis round trip and one short database session for all sockets, rather than a
        timer, a Redis pipeline and a database session per socket: the same bound (every
        third of the TTL), a fraction of the cost with many sockets per ticket.
        """
        with self._sockets_lock:
            chats = [chat for group in self._chats.values() for chat in group]
        if not chats:
            return
        members: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
        users: dict[uuid.UUID, dict[uuid.UUID, CurrentUser]] = {}
        for chat in chats:
            members.setdefault(chat.ticket_id, []).append((chat.user.id, chat.id))
            users.setdefault(chat.ticket_id, {})[chat.user.id] = chat.user
        self.presence.refresh_many(members)
        try:
            with short_session(self.app) as session:
                refused = participants.refused_by_copy(
                    session=session,
                    users_by_ticket={
                        ticket: list(by_id.values()) for ticket, by_id in users.items()
                    },
                )
        except SQLAlchemyError:
            log.info("participation not rechecked: the database is unavailable")
            return
        for chat in chats:
            if (chat.ticket_id, chat.user.id) in refused:
                chat.recheck()

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
            connected = self._publish_and_read_presence(ticket_id, posted.frame)
            if posted.participants is not None:
                absent = set(posted.participants)
            else:
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

    def _publish_and_read_presence(self, ticket_id: uuid.UUID, frame: Frame) -> set[uuid.UUID]:
        """Publish a message's frame and read who has the chat open: one Redis round trip.

        Redis failing: the frame still reaches this process's sockets (as Hub.publish) and
        nobody counts as connected (as Presence.connected).
        """
        channel = chat_channel(ticket_id)
        if not self.hub.redis_url:
            self.hub.publish(channel, frame)
            return self.presence.connected(ticket_id)
        try:
            pipeline = self.hub.pipeline()
            pipeline.publish(channel, frame.text)
            self.presence.queue_connected(pipeline, ticket_id)
            _, members = pipeline.execute()
        except redis.RedisError as exc:
            log.warning("real-time publish failed (%s); delivering locally only", exc)
            self.hub.dispatch(channel, frame)
            return set()
        return users_of(members)


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
