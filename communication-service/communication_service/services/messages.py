"""Chat messages: stored first with their per-ticket number, then broadcast by the caller."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from communication_service.access import confirm_chat_access
from communication_service.models import ChatMessage
from communication_service.services.tickets import give_back_seq, next_seq
from hdms_common.auth import CurrentUser
from hdms_common.clients import FileClient, TicketClient
from hdms_common.db import DbSession, is_postgresql, utcnow
from hdms_common.errors import BadRequest, Conflict, Invalid
from hdms_common.pagination import MAX_LIMIT


@dataclass(frozen=True)
class Posted:
    """A message and whether this call stored it (False: a resend of the same client_msg_id)."""

    message: ChatMessage
    created: bool


@dataclass(frozen=True)
class ChatPost:
    """A message that ``user`` is about to post to a ticket's chat, over HTTP or a socket alike.

    :meth:`begin` is the post's one access check (ensure_chat_access: ticket-service asked as
    the user, the copy kept from events when it cannot answer); :meth:`send` checks the
    attachments with file-service as the user and stores the message. The HTTP route begins
    before it reads the body, so that whoever may not post gets the same 404 whatever they
    send; a socket begins once a message frame is valid. The caller commits, then broadcasts.
    """

    session: DbSession
    user: CurrentUser
    ticket_id: uuid.UUID

    @classmethod
    def begin(
        cls, *, session: DbSession, user: CurrentUser, ticket_id: uuid.UUID, tickets: TicketClient
    ) -> ChatPost:
        """Check that ``user`` may post in the ticket's chat now (404 / 401 / 503 otherwise).

        A verdict of ticket-service kept since the ticket last changed costs one Redis read and
        no database statement (the ticket's row is read only when ticket-service was asked or
        could not answer): storing the message takes the ticket's number, which needs the row
        anyway, and creates it when missing.
        """
        confirm_chat_access(session=session, user=user, ticket_id=ticket_id, tickets=tickets)
        return cls(session=session, user=user, ticket_id=ticket_id)

    def send(
        self,
        *,
        body: str,
        attachments: Sequence[str],
        client_msg_id: str | None,
        files: FileClient,
    ) -> Posted:
        """Validate the attachments, then store the message (see :func:`post_message`)."""
        if attachments:
            self.session.rollback()  # no transaction stays open while file-service is asked
        for file_key in attachments:
            files.validate_attachment(file_key, token=self.user.token)
        return post_message(
            session=self.session,
            ticket_id=self.ticket_id,
            sender=self.user,
            body=body,
            attachments=attachments,
            client_msg_id=client_msg_id,
        )

    def send_now(
        self,
        *,
        body: str,
        attachments: Sequence[str],
        client_msg_id: str | None,
        files: FileClient,
    ) -> Stored:
        """:meth:`send` for a caller with no transaction of its own (a socket): on PostgreSQL
        the message is stored by one autocommitted statement (:func:`store_message`); the
        session (and its transaction, committed on return) is used only where that statement
        cannot decide (a resend of a client_msg_id, a ticket without its row yet, SQLite)."""
        if attachments:
            self.session.rollback()  # no transaction stays open while file-service is asked
        for file_key in attachments:
            files.validate_attachment(file_key, token=self.user.token)
        return store_message(
            session=self.session,
            ticket_id=self.ticket_id,
            sender=self.user,
            body=body,
            attachments=attachments,
            client_msg_id=client_msg_id,
        )


@dataclass(frozen=True)
class Stored:
    """A message as :func:`store_message` stored (or found) it, and who is on its ticket.

    Plain values, taken before any commit expires an ORM row. ``participants`` is the
    ticket's users as of the insert (None when not read: the after-commit steps read them).
    """

    id: uuid.UUID
    ticket_id: uuid.UUID
    seq: int
    sender_id: uuid.UUID
    sender_name: str
    body: str
    attachments: list[str]
    client_msg_id: str | None
    created_at: datetime
    created: bool
    participants: frozenset[uuid.UUID] | None = None

    @classmethod
    def of(cls, posted: Posted) -> Stored:
        message = posted.message
        return cls(
            id=message.id,
            ticket_id=message.ticket_id,
            seq=message.seq,
            sender_id=message.sender_id,
            sender_name=message.sender_name,
            body=message.body,
            attachments=list(message.attachments),
            client_msg_id=message.client_msg_id,
            created_at=message.created_at,
            created=posted.created,
        )


_TABLE = ChatMessage.__table__
#: Take the ticket's next number, insert the message with it and read who is on the ticket, in
#: one statement: run in autocommit it is its own transaction (no BEGIN and COMMIT round
#: trips through PgBouncer). The number comes from the same row update as next_seq's (the row
#: lock orders concurrent senders, a failed statement gives its number back). A ticket without
#: its row returns no row; a client_msg_id used before fails the unique constraint and the
#: statement undoes itself.
_STORE = sa.text(
    """
    WITH numbered AS (
        UPDATE chat_tickets SET last_seq = last_seq + 1
        WHERE ticket_id = :ticket_id
        RETURNING last_seq
    ), stored AS (
        INSERT INTO chat_messages
            (id, ticket_id, seq, sender_id, sender_name, body, attachments, client_msg_id,
             created_at)
        SELECT :id, :ticket_id, numbered.last_seq, :sender_id, :sender_name, :body,
               :attachments, :client_msg_id, :created_at
        FROM numbered
        RETURNING seq
    )
    SELECT stored.seq,
           ARRAY(SELECT DISTINCT user_id::text FROM ticket_participants
                 WHERE ticket_id = :ticket_id) AS participants
    FROM stored
    """
).bindparams(
    sa.bindparam("id", type_=_TABLE.c.id.type),
    sa.bindparam("ticket_id", type_=_TABLE.c.ticket_id.type),
    sa.bindparam("sender_id", type_=_TABLE.c.sender_id.type),
    sa.bindparam("sender_name", type_=_TABLE.c.sender_name.type),
    sa.bindparam("body", type_=_TABLE.c.body.type),
    sa.bindparam("attachments", type_=_TABLE.c.attachments.type),
    sa.bindparam("client_msg_id", type_=_TABLE.c.client_msg_id.type),
    sa.bindparam("created_at", type_=_TABLE.c.created_at.type),
)


def store_message(
    *,
    session: DbSession,
    ticket_id: uuid.UUID,
    sender: CurrentUser,
    body: str,
    attachments: Sequence[str] = (),
    client_msg_id: str | None = None,
) -> Stored:
    """Store a message with the ticket's next number, committed when this returns.

    On PostgreSQL one autocommitted statement does it (see ``_STORE``). When it stores nothing
    (the ticket has no row yet) or fails on the client_msg_id (a resend, or a twin that won),
    :func:`post_message` decides in ``session``'s transaction, as for HTTP, and it is committed.
    """
    bind = session.get_bind()
    if isinstance(bind, sa.Engine) and is_postgresql(bind):
        message_id, sender_name, created_at = uuid.uuid4(), sender.name[:200], utcnow()
        stored_attachments = list(attachments)
        values: dict[str, Any] = {
            "id": message_id,
            "ticket_id": ticket_id,
            "sender_id": sender.id,
            "sender_name": sender_name,
            "body": body,
            "attachments": stored_attachments,
            "client_msg_id": client_msg_id,
            "created_at": created_at,
        }
        row = None
        try:
            with bind.connect() as connection:
                # The driver's own switch, not SQLAlchemy's isolation_level option: resetting
                # that on return sends a blocking `SET default_transaction_isolation` (a round
                # trip that stalls the whole gevent worker, and session state PgBouncer would
                # hand to another client); the attribute sends nothing.
                driver = connection.connection.dbapi_connection
                assert driver is not None
                driver.autocommit = True
                try:
                    row = connection.execute(_STORE, values).first()
                finally:
                    if not driver.closed:  # a connection lost meanwhile is discarded anyway
                        driver.autocommit = False
        except sa.exc.IntegrityError:
            if client_msg_id is None:
                raise
        if row is not None:
            return Stored(
                id=message_id,
                ticket_id=ticket_id,
                seq=int(row.seq),
                sender_id=sender.id,
                sender_name=sender_name,
                body=body,
                attachments=stored_attachments,
                client_msg_id=client_msg_id,
                created_at=created_at,
                created=True,
                participants=frozenset(uuid.UUID(user) for user in row.participants),
            )
    posted = post_message(
        session=session,
        ticket_id=ticket_id,
        sender=sender,
        body=body,
        attachments=attachments,
        client_msg_id=client_msg_id,
    )
    stored = Stored.of(posted)
    session.commit()
    return stored


def post_message(
    *,
    session: DbSession,
    ticket_id: uuid.UUID,
    sender: CurrentUser,
    body: str,
    attachments: Sequence[str] = (),
    client_msg_id: str | None = None,
) -> Posted:
    """Store a message with the ticket's next number.

    A resend with the same ``client_msg_id`` returns the stored message (the client did not see
    the first answer); the same id with another body or on another ticket is a 409.
    """
    if client_msg_id is not None:
        resent = _resend_of(
            session=session,
            ticket_id=ticket_id,
            sender=sender,
            body=body,
            attachments=attachments,
            client_msg_id=client_msg_id,
        )
        if resent is not None:
            return resent
    seq = next_seq(session=session, ticket_id=ticket_id)
    if client_msg_id is not None:
        # Twins of one send can both pass the first look; under the ticket's row lock (taken
        # by next_seq) a twin that won has committed and is seen: answer with its message and
        # give the number back, so the ticket's numbering keeps no gap.
        resent = _resend_of(
            session=session,
            ticket_id=ticket_id,
            sender=sender,
            body=body,
            attachments=attachments,
            client_msg_id=client_msg_id,
        )
        if resent is not None:
            give_back_seq(session=session, ticket_id=ticket_id)
            return resent
    message = ChatMessage(
        ticket_id=ticket_id,
        seq=seq,
        sender_id=sender.id,
        sender_name=sender.name[:200],
        body=body,
        attachments=list(attachments),
        client_msg_id=client_msg_id,
        created_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return Posted(message=message, created=True)


def _resend_of(
    *,
    session: DbSession,
    ticket_id: uuid.UUID,
    sender: CurrentUser,
    body: str,
    attachments: Sequence[str],
    client_msg_id: str,
) -> Posted | None:
    """The stored message of an earlier send with this client_msg_id, if any (409 if it differs)."""
    existing = session.scalar(
        sa.select(ChatMessage).where(
            ChatMessage.sender_id == sender.id, ChatMessage.client_msg_id == client_msg_id
        )
    )
    if existing is None:
        return None
    if (
        existing.ticket_id != ticket_id
        or existing.body != body
        or list(existing.attachments) != list(attachments)
    ):
        raise Conflict(
            "This client_msg_id was already used for another message.",
            errors={"client_msg_id": ["Already used for another message."]},
        )
    return Posted(message=existing, created=False)


def resolve_after(
    *, session: DbSession, ticket_id: uuid.UUID, after: str | None, field: str = "after"
) -> int:
    """Turn ``after`` (a message id of this ticket, or a sequence number) into a sequence number."""
    if after is None or after == "":
        return 0
    if after.isdigit() and len(after) <= 18:
        return int(after)
    try:
        message_id = uuid.UUID(after)
    except ValueError as exc:
        raise Invalid(
            f"{field} must be a message id or a sequence number.",
            errors={f"query.{field}": ["Not a message id or sequence number."]},
        ) from exc
    seq = session.scalar(
        sa.select(ChatMessage.seq).where(
            ChatMessage.id == message_id, ChatMessage.ticket_id == ticket_id
        )
    )
    if seq is None:
        raise Invalid(
            f"{field} names no message of this ticket.",
            errors={f"query.{field}": ["No such message in this chat."]},
        )
    return int(seq)


def messages_after(
    *, session: DbSession, ticket_id: uuid.UUID, after_seq: int, limit: int = MAX_LIMIT
) -> list[ChatMessage]:
    """The ticket's messages numbered above ``after_seq``, oldest first."""
    return list(
        session.scalars(
            sa.select(ChatMessage)
            .where(ChatMessage.ticket_id == ticket_id, ChatMessage.seq > after_seq)
            .order_by(ChatMessage.seq)
            .limit(limit)
        )
    )


@dataclass
class MessagePage:
    items: list[ChatMessage]
    next_cursor: str | None


def list_messages(
    *,
    session: DbSession,
    ticket_id: uuid.UUID,
    after: str | None,
    before: str | None,
    limit: int,
    cursor: str | None,
) -> MessagePage:
    """A page of the chat: by default the latest messages, newest first.

    With ``after`` the page runs forward (oldest first) from that message, which is how a
    client catches up; ``before`` pages backwards into history. ``next_cursor`` is the number
    of the last message served and continues in the same direction.
    """
    forward = after is not None
    bound: int | None = None
    if cursor is not None:
        if not cursor.isdigit() or len(cursor) > 18:
            raise BadRequest(
                "The cursor is not valid.", errors={"query.cursor": ["Not a valid cursor."]}
            )
        bound = int(cursor)
    statement: Any = sa.select(ChatMessage).where(ChatMessage.ticket_id == ticket_id)
    if forward:
        start = resolve_after(session=session, ticket_id=ticket_id, after=after)
        statement = statement.where(ChatMessage.seq > max(start, bound or 0))
        statement = statement.order_by(ChatMessage.seq.asc())
    else:
        if before is not None:
            end = resolve_after(session=session, ticket_id=ticket_id, after=before, field="before")
            statement = statement.where(ChatMessage.seq < end)
        if bound is not None:
            statement = statement.where(ChatMessage.seq < bound)
        statement = statement.order_by(ChatMessage.seq.desc())
    rows = list(session.scalars(statement.limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = str(rows[-1].seq)
    return MessagePage(items=rows, next_cursor=next_cursor)
