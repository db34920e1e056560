"""Notifications: created from ticket events and unseen chat messages, read by their user."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from communication_service.models import Notification
from communication_service.models.notifications import UNREAD_CHAT
from hdms_common.db import DbSession, utcnow
from hdms_common.errors import NotFound
from hdms_common.pagination import Page, keyset_page

CHAT_MESSAGE = "chat_message"
PREVIEW_LENGTH = 200


def ticket_link(ticket_id: uuid.UUID) -> str:
    """The ticket's page in the web application (a static export: the id is a query string)."""
    return f"/tickets/view?id={ticket_id}"


def create_notification(
    *,
    session: DbSession,
    user_id: uuid.UUID,
    type: str,  # noqa: A002 - the domain's word
    title: str,
    body: str = "",
    ticket_id: uuid.UUID | None = None,
    event_id: str | None = None,
    flush: bool = True,
) -> Notification:
    """Store one notification for ``user_id`` (with ``flush=False``, at the session's next
    flush: a batch of events then writes all its notifications in one statement)."""
    notification = Notification(
        user_id=user_id,
        type=type,
        title=title[:300],
        body=body,
        link=ticket_link(ticket_id) if ticket_id else "",
        ticket_id=ticket_id,
        event_id=event_id,
        created_at=utcnow(),
    )
    session.add(notification)
    if flush:
        session.flush()
    return notification


def notify_chat_message(
    *,
    session: DbSession,
    user_ids: Iterable[uuid.UUID],
    ticket_id: uuid.UUID,
    ticket_label: str,
    sender_name: str,
    body: str,
) -> list[Notification]:
    """Tell users who are not in the chat that a message arrived.

    One unread chat notification per user and ticket: a busy chat updates it (latest message,
    moved to the top) instead of burying the user under one per message. The database holds
    the rule (a partial unique index), so concurrent posts update the one row instead of each
    inserting their own.
    """
    preview = body if len(body) <= PREVIEW_LENGTH else body[: PREVIEW_LENGTH - 1] + "…"
    title = f"New message on {ticket_label}"[:300]
    text = f"{sender_name}: {preview}" if sender_name else preview
    users = sorted(set(user_ids))
    if not users:
        return []
    now = utcnow()
    rows = [
        {
            "id": uuid.uuid4(),
            "user_id": user_id,
            "type": CHAT_MESSAGE,
            "title": title,
            "body": text,
            "link": ticket_link(ticket_id),
            "ticket_id": ticket_id,
            "created_at": now,
        }
        for user_id in users
    ]
    # One statement, rows in user order (so concurrent posts lock rows in the same order): the
    # partial unique index on the unread chat notification decides between insert and update.
    insert: Any = (
        postgresql.insert(Notification)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(Notification)
    )
    statement = insert.values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[Notification.user_id, Notification.ticket_id],
        index_where=UNREAD_CHAT,
        set_={
            "title": statement.excluded.title,
            "body": statement.excluded.body,
            "created_at": statement.excluded.created_at,
        },
    ).returning(Notification)
    changed = list(session.scalars(statement, execution_options={"populate_existing": True}))
    session.flush()
    return changed


def list_notifications(
    *, session: DbSession, user_id: uuid.UUID, unread: bool | None, limit: int, cursor: str | None
) -> Page[Notification]:
    """The user's notifications, newest first; ``unread`` filters on read state."""
    statement = sa.select(Notification).where(Notification.user_id == user_id)
    if unread is True:
        statement = statement.where(Notification.read_at.is_(None))
    elif unread is False:
        statement = statement.where(Notification.read_at.is_not(None))
    return keyset_page(
        session,
        statement,
        order_by=[Notification.created_at, Notification.id],
        limit=limit,
        cursor=cursor,
    )


def mark_read(
    *, session: DbSession, user_id: uuid.UUID, notification_id: uuid.UUID
) -> Notification:
    """Mark one of the user's notifications read (again is fine); others' are a 404."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.flush()
    return notification


def mark_all_read(*, session: DbSession, user_id: uuid.UUID) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def unread_count(*, session: DbSession, user_id: uuid.UUID) -> int:
    """How many of the user's notifications are unread."""
    value = session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return int(value or 0)
