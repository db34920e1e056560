"""Idempotency-Key support for writes that create (docs/api.md, "Idempotent creation").

The same key with the same body replays the first response; the same key with another body is
a 422. The key row is inserted in the same transaction as the created object, so a crash
between the two leaves neither, and a unique constraint makes two concurrent requests with one
key create one object: the second waits for the first, then replays it.

The response is recorded in a second, short transaction. Once the create has committed, the
database going away must not turn it into an error: the client would retry and find the key
row without a response ("still in progress", for ever). So the view's objects stay loaded
after its commit (the response is built without going back to the database), recording is
retried for a few seconds, and the view's answer is given even if recording never succeeds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import Response, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from hdms_common.auth import current_user
from hdms_common.db import UTCDateTime, utcnow
from hdms_common.errors import Conflict, DomainError, Invalid

HEADER = "Idempotency-Key"
HEADER_FIELD = f"headers.{HEADER}"
MAX_KEY_LENGTH = 255
#: session.info key, true while the view runs: the session's commit will add the key row, so a
#: write that could run outside a transaction (as one autocommitted statement) must not.
COMMIT_ADDS_ROWS = "hdms_commit_adds_rows"
#: Pauses between attempts to record a committed create's response while the database is away
#: (about 8 s in all: a restarted PostgreSQL or PgBouncer is back well within it).
RECORD_RETRY_PAUSES = (0.1, 0.25, 0.5, 1.0, 2.0, 2.0, 2.0)
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)


class IdempotencyKeyMixin:
    """Columns of a service's idempotency table; (user_id, key) is unique."""

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False)
    key: Mapped[str] = mapped_column(sa.String(MAX_KEY_LENGTH), nullable=False)
    request_fingerprint: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    response_status: Mapped[int | None] = mapped_column(sa.Integer)
    response_body: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805 - SQLAlchemy's declared_attr
        return (sa.UniqueConstraint("user_id", "key"),)


def _fingerprint() -> str:
    body = request.get_data(cache=True)
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), canonical):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _replay(row: Any) -> Response:
    response = Response(row.response_body, status=row.response_status, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _check_existing(existing: Any, fingerprint: str) -> Response:
    if existing.request_fingerprint != fingerprint:
        raise Invalid(
            "This Idempotency-Key was used with another request body.",
            errors={HEADER_FIELD: ["Already used with another body."]},
        )
    if existing.response_status is None:
        raise Conflict("A request with this Idempotency-Key is still in progress.")
    return _replay(existing)


def idempotency_key() -> str | None:
    """The request's Idempotency-Key, or None without one; 422 when it is not a usable key."""
    key = request.headers.get(HEADER)
    if key is not None and (not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable()):
        raise Invalid(
            "The Idempotency-Key header is invalid.",
            errors={HEADER_FIELD: [f"1 to {MAX_KEY_LENGTH} printable characters."]},
        )
    return key


def _record(session: Any, lookup: Any, response: Any, key: str) -> None:
    """Store a success for replay, or free the key after a failure; retried while the
    database is unavailable, then given up (logged): the response is sent either way."""
    status = getattr(response, "status_code", 200)
    for pause in (*RECORD_RETRY_PAUSES, None):
        try:
            row = session.scalar(lookup)
            if row is not None and 200 <= status < 300:
                row.response_status = status
                row.response_body = response.get_data(as_text=True)
            elif row is not None:
                session.delete(row)
            session.commit()
            return
        except SQLAlchemyError as exc:
            try:
                session.rollback()
            except SQLAlchemyError:
                log.debug("rollback failed while the database is unavailable")
            if pause is None:
                log.error(
                    "the response to Idempotency-Key %r was not recorded (%s); a retry with "
                    "it will be answered 409",
                    key,
                    exc.__class__.__name__,
                )
                return
            time.sleep(pause)


def idempotent(db: SQLAlchemy, model: type[Any]) -> Callable[[F], F]:
    """Wrap a create view (which commits) so an ``Idempotency-Key`` header makes it safe to retry.

    The key row is added to the view's own transaction just before it commits, so no
    transaction stays open while the view calls other services (docs/pitfalls.md), and the unique
    (user, key) index makes the second of two concurrent requests fail at commit, roll back
    whatever it created, and replay the first. Place it above flask-smorest's decorators so
    that it sees the finished response.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = idempotency_key()
            if key is None:
                return view(*args, **kwargs)
            user_id = current_user().id
            fingerprint = _fingerprint()
            session = db.session
            lookup = sa.select(model).filter_by(user_id=user_id, key=key)
            existing = session.scalar(lookup)
            session.rollback()  # end the read: the view starts its own short transaction
            if existing is not None:
                return _check_existing(existing, fingerprint)

            key_row = model(user_id=user_id, key=key, request_fingerprint=fingerprint)

            def add_key_row(committing: Session) -> None:
                committing.add(key_row)

            real_session = session()
            sa.event.listen(real_session, "before_commit", add_key_row, once=True)
            real_session.info[COMMIT_ADDS_ROWS] = True
            # After the view's commit its objects are serialised from memory: a database that
            # vanished just after the commit cannot fail a create that has happened.
            expire_on_commit = real_session.expire_on_commit
            real_session.expire_on_commit = False
            try:
                response = view(*args, **kwargs)
            except (IntegrityError, DomainError):
                # Lost a race with the same key (the unique index, or a rule the winner's row
                # now breaks): answer as the winner did, or "in progress".
                session.rollback()
                existing = session.scalar(lookup)
                session.rollback()
                if existing is None:
                    raise
                return _check_existing(existing, fingerprint)
            except Exception:
                session.rollback()
                raise
            finally:
                real_session.expire_on_commit = expire_on_commit
                real_session.info.pop(COMMIT_ADDS_ROWS, None)
                if sa.event.contains(real_session, "before_commit", add_key_row):
                    sa.event.remove(real_session, "before_commit", add_key_row)
            _record(session, lookup, response, key)
            return response

        return cast(F, wrapper)

    return decorator
