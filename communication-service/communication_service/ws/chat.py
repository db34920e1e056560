"""/ws/chat/{ticket_id}/: live chat of one ticket, resumable with ?after= with no gap or duplicate.

Order of a connection: authenticate, take the starting point (``after``, or the ticket's latest
message as of the handshake), check participation (short DB sessions, then closed), subscribe
to the ticket's channel (frames buffer in the send queue), replay from the database what came
after the starting point, send ``ready``, then drain the queue skipping what was already sent.
A message whose number jumps ahead of the last one sent means frames were missed (a Redis
hiccup): the gap is read from the database before going on.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import marshmallow as ma
from flask import Flask, current_app, request
from simple_websocket import ConnectionClosed
from sqlalchemy.exc import SQLAlchemyError

from communication_service.access import ensure_chat_access
from communication_service.api.deps import file_client, ticket_client
from communication_service.extensions import db
from communication_service.realtime import (
    PostedMessage,
    Realtime,
    message_frame,
    realtime_of,
    revoke_socket,
    short_session,
)
from communication_service.schemas.messages import MessageCreateSchema
from communication_service.services import messages, tickets
from communication_service.ws.connection import (
    CLOSE_BAD_REQUEST,
    CLOSE_FORBIDDEN,
    CLOSE_INTERNAL_ERROR,
    CLOSE_UNAUTHORIZED,
    CLOSE_UNAVAILABLE,
    RESYNC,
    Connection,
    error_frame,
)
from communication_service.ws.handshake import authenticate
from communication_service.ws.hub import Frame, chat_channel, ticket_channel
from hdms_common.app import settings_of
from hdms_common.auth import CurrentUser
from hdms_common.errors import (
    DependencyUnavailable,
    DomainError,
    NotFound,
    Unauthorized,
    flatten_messages,
)
from hdms_common.realtime import TICKET_CHANGED

log = logging.getLogger(__name__)
REPLAY_PAGE = 200
HUB_WAIT_SECONDS = 3.0
LIVE_ONLY = ("typing", "read")
NOT_A_PARTICIPANT = "Not a participant"
#: Built once: a marshmallow schema's construction costs more than loading one small frame.
_message_create_schema = MessageCreateSchema()
NO_LONGER_ON_TICKET = "You are no longer on this ticket."
SIGN_IN_AGAIN = "Token no longer accepted; reconnect with a new one"


class ChatConnection(Connection):
    def __init__(
        self,
        ws: Any,
        *,
        app: Flask,
        realtime: Realtime,
        ticket_id: uuid.UUID,
        user: CurrentUser,
        after_seq: int,
    ) -> None:
        super().__init__(ws, realtime.limits)
        self.app = app
        self.realtime = realtime
        self.ticket_id = ticket_id
        self.user = user
        self.after_seq = after_seq
        self.last_sent = 0
        self._me = str(user.id)

    # --- writer side ----------------------------------------------------------------------

    def on_writer_start(self) -> None:
        # Read the database only once the subscription is confirmed: whatever is committed
        # before this read is replayed, whatever is committed after it arrives live.
        self.realtime.hub.subscribed.wait(HUB_WAIT_SECONDS)
        # A change announced between the handshake's check and the subscription was not heard:
        # check once more now that every later announcement will be (a kept verdict is reused
        # unless the ticket changed meanwhile).
        if not self.still_allowed():
            return
        self.last_sent = self.after_seq
        self.catch_up()
        # From here on every new message reaches this socket: a client may start sending.
        ready = {"type": "ready", "ticket_id": str(self.ticket_id), "last_seq": self.last_sent}
        self._write(Frame.build(ready))

    def catch_up(self) -> None:
        """Send from the database every message after the last one sent, in order."""
        while True:
            with short_session(self.app) as session:
                rows = messages.messages_after(
                    session=session,
                    ticket_id=self.ticket_id,
                    after_seq=self.last_sent,
                    limit=REPLAY_PAGE,
                )
                frames = [(row.seq, message_frame(row)) for row in rows]
            for seq, frame in frames:
                if seq > self.last_sent:
                    self._write(frame)
                    self.last_sent = seq
            if len(frames) < REPLAY_PAGE:
                return

    def handle_item(self, item: Any) -> None:
        if item is RESYNC:
            # The subscription was lost a moment: a change of the ticket may have been missed.
            if self.still_allowed():
                self.catch_up()
        elif isinstance(item, Frame) and item.kind == TICKET_CHANGED:
            self.still_allowed()
        elif isinstance(item, Frame) and item.kind == "message" and item.seq is not None:
            if item.seq <= self.last_sent:
                return
            if item.seq > self.last_sent + 1:
                self.catch_up()
                return
            self._write(item)
            self.last_sent = item.seq
        elif isinstance(item, Frame) and item.kind in LIVE_ONLY and item.user_id == self._me:
            return
        else:
            super().handle_item(item)

    # --- reader side ----------------------------------------------------------------------

    def on_frame(self, payload: dict[str, Any]) -> None:
        kind = payload.get("type")
        if kind == "message":
            self.post(payload)
        elif kind == "typing":
            self.realtime.publish_live(
                self.ticket_id,
                {
                    "type": "typing",
                    "ticket_id": str(self.ticket_id),
                    "user_id": self._me,
                    "name": self.user.name,
                },
            )
        elif kind == "read":
            message_id = payload.get("message_id")
            try:
                parsed = uuid.UUID(str(message_id)) if isinstance(message_id, str) else None
            except ValueError:
                parsed = None
            if parsed is None or set(payload) - {"type", "message_id"}:
                self.bad_frame(
                    "invalid",
                    "read needs a message_id.",
                    errors={"message_id": ["Not a valid UUID."]},
                )
                return
            self.realtime.publish_live(
                self.ticket_id,
                {
                    "type": "read",
                    "ticket_id": str(self.ticket_id),
                    "user_id": self._me,
                    "message_id": str(parsed),
                },
            )
        elif kind == "ping":
            self.send_frame(Frame.build({"type": "pong"}))
        else:
            self.bad_frame("unknown_type", f"Unknown frame type {str(kind)[:40]!r}.")

    def post(self, payload: dict[str, Any]) -> None:
        fields = {k: v for k, v in payload.items() if k != "type"}
        client_msg_id = fields.get("client_msg_id")
        if not isinstance(client_msg_id, str) or not is_text(client_msg_id):
            client_msg_id = None
        not_text = sorted(key for key, value in fields.items() if not is_text(value))
        if not_text:
            # JSON may escape half of a surrogate pair ("\ud800"): such a string cannot be
            # stored or encoded as UTF-8, so it is refused here like any other invalid field.
            self.bad_frame(
                "invalid",
                "The message is invalid.",
                errors={key: [NOT_TEXT] for key in not_text},
                client_msg_id=client_msg_id,
            )
            return
        try:
            data = _message_create_schema.load(fields)
        except ma.ValidationError as exc:
            self.bad_frame(
                "invalid",
                "The message is invalid.",
                errors=flatten_messages(exc.messages),
                client_msg_id=client_msg_id,
            )
            return
        try:
            with short_session(self.app) as session:
                chat_post = messages.ChatPost.begin(
                    session=session,
                    user=self.user,
                    ticket_id=self.ticket_id,
                    tickets=ticket_client(),
                )
                stored = chat_post.send_now(
                    body=data["body"],
                    attachments=data["attachments"],
                    client_msg_id=data["client_msg_id"],
                    files=file_client(),
                )
        except NotFound:
            self.send_frame(error_frame("forbidden", NO_LONGER_ON_TICKET))
            self.close(CLOSE_FORBIDDEN, NOT_A_PARTICIPANT)
            return
        except Unauthorized:
            self.close(CLOSE_UNAUTHORIZED, SIGN_IN_AGAIN)
            return
        except SQLAlchemyError as exc:
            log.warning("message not stored: %s", exc.__class__.__name__)
            self.send_frame(
                error_frame(
                    "unavailable",
                    "The message was not stored; send it again.",
                    client_msg_id=data["client_msg_id"],
                )
            )
            return
        except DomainError as exc:
            self.bad_frame(
                exc.slug,
                exc.detail or "The message was refused.",
                errors=exc.errors or {},
                client_msg_id=data["client_msg_id"],
            )
            return
        ack = {
            "type": "ack",
            "client_msg_id": stored.client_msg_id,
            "id": str(stored.id),
            "seq": stored.seq,
        }
        self.send_frame(Frame(kind="ack", text=json.dumps(ack, separators=(",", ":"))))
        if stored.created:
            posted = PostedMessage.of_stored(stored)
            with self.app.app_context():
                try:
                    self.realtime.after_message_posted(session=db.session, posted=posted)
                finally:
                    db.session.remove()

    def still_allowed(self) -> bool:
        """In the writer: ask again whether the user may see the ticket; close if not.

        Runs before any frame queued after the announcement that the ticket changed, so nothing
        published after a reassignment (or a deletion) reaches a socket that lost the ticket.
        """
        try:
            with short_session(self.app) as session:
                ensure_chat_access(
                    session=session,
                    user=self.user,
                    ticket_id=self.ticket_id,
                    tickets=ticket_client(),
                )
        except NotFound:
            self.end_in_writer(
                CLOSE_FORBIDDEN,
                NOT_A_PARTICIPANT,
                error_frame("forbidden", NO_LONGER_ON_TICKET),
            )
            return False
        except Unauthorized:
            self.end_in_writer(CLOSE_UNAUTHORIZED, SIGN_IN_AGAIN)
            return False
        except (SQLAlchemyError, DependencyUnavailable):
            log.info("participation not rechecked: a dependency is unavailable")
        return True

    def idle(self) -> None:
        """At every idle wake-up: close if the user's access was revoked.

        Revoked access closes the socket as soon as the stamp arrives (Realtime.track); this
        check is the backstop. Presence and the copy's participation check run once per worker
        for all its chat sockets (Realtime.sweep), which calls :meth:`recheck`.
        """
        if self.user.is_revoked:
            revoke_socket(self)

    def recheck(self) -> None:
        """The copy kept from events says the user left the ticket: have the writer ask
        ticket-service (which decides)."""
        self.call_in_writer(self.still_allowed)


NOT_TEXT = "Not valid text (an unpaired surrogate)."


def is_text(value: Any) -> bool:
    """Whether every string in ``value`` (inside lists and mappings too) is valid Unicode text."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(is_text(k) and is_text(v) for k, v in value.items())
    if isinstance(value, list):
        return all(is_text(item) for item in value)
    return True


def _parse_after(raw: str | None, ticket_id: uuid.UUID, app: Flask) -> int:
    with short_session(app) as session:
        return messages.resolve_after(session=session, ticket_id=ticket_id, after=raw)


def chat_socket(ws: Any, ticket_id: str) -> None:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    realtime = realtime_of(app)
    connection = Connection(ws, realtime.limits)
    try:
        _serve_chat(ws, ticket_id, app, realtime, connection)
    except (SQLAlchemyError, DependencyUnavailable) as exc:
        # The database or a service is overloaded or down: the client should come back later
        # (with ?after=, losing nothing).
        log.warning("chat socket refused: %s", exc.__class__.__name__)
        connection.close_now(CLOSE_UNAVAILABLE, "Temporarily unavailable; reconnect later")
    except ConnectionClosed:
        raise
    except Exception:
        log.exception("chat socket failed")
        connection.close_now(CLOSE_INTERNAL_ERROR, "Internal error")


def _serve_chat(
    ws: Any, ticket_id: str, app: Flask, realtime: Realtime, connection: Connection
) -> None:
    user = authenticate(connection, settings_of(app).jwt_secret_key)
    if user is None:
        return
    try:
        ticket_uuid = uuid.UUID(ticket_id)
    except ValueError:
        connection.close_now(CLOSE_FORBIDDEN, NOT_A_PARTICIPANT)
        return
    start_seq: int | None = None
    if request.args.get("after") is None:
        # Without ?after= the socket starts at the ticket's latest message as of the handshake:
        # read it first thing, so a message sent right after the client saw the handshake
        # succeed is not taken for history. Reading it this early leaves no gap: the replay,
        # once subscribed, sends everything after it.
        with short_session(app) as session:
            start_seq = tickets.last_seq(session=session, ticket_id=ticket_uuid)
    try:
        ensure_chat_access(
            session=db.session, user=user, ticket_id=ticket_uuid, tickets=ticket_client()
        )
        db.session.commit()
    except NotFound:
        connection.close_now(CLOSE_FORBIDDEN, NOT_A_PARTICIPANT)
        return
    except Unauthorized:
        connection.close_now(CLOSE_UNAUTHORIZED, SIGN_IN_AGAIN)
        return
    except DependencyUnavailable:
        connection.close_now(CLOSE_UNAVAILABLE, "A dependency is unavailable")
        return
    finally:
        db.session.remove()  # no database session is held during the socket's life
    if start_seq is None:
        try:
            start_seq = _parse_after(request.args.get("after"), ticket_uuid, app)
        except DomainError as exc:
            connection.close_now(CLOSE_BAD_REQUEST, (exc.detail or "Bad after")[:120])
            return
    chat = ChatConnection(
        ws, app=app, realtime=realtime, ticket_id=ticket_uuid, user=user, after_seq=start_seq or 0
    )
    # Both channels reach the socket through the one subscription, in publication order: an
    # announcement that the ticket changed is handled before any message published after it.
    channels = (chat_channel(ticket_uuid), ticket_channel(ticket_uuid))
    for channel in channels:
        realtime.hub.subscribe(channel, chat)
    try:
        realtime.presence.enter(ticket_uuid, user.id, chat.id)
        realtime.track(user, chat)
        realtime.open_chat(chat)
        chat.start_writer()
        chat.receive_loop(chat.on_frame, chat.idle)
    finally:
        realtime.close_chat(chat)
        realtime.untrack(user, chat)
        for channel in channels:
            realtime.hub.unsubscribe(channel, chat)
        realtime.presence.leave(ticket_uuid, user.id, chat.id)
        chat.finish()
