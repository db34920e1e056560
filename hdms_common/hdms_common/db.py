"""The database base every service's models share: UUID keys, UTC timestamps, portable types.

Each service declares its own ``Base`` (its own metadata, so its migrations see only its own
tables) on a registry with the naming convention and type map below::

    class Base(DeclarativeBase):
        registry = service_registry()

and mixes :class:`UUIDPrimaryKey` and :class:`Timestamps` into its models.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import Mapped, Session, mapped_column, registry, scoped_session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: What service functions take as ``session``: a plain Session, or Flask-SQLAlchemy's scoped
#: ``db.session`` that routes pass.
DbSession = Session | scoped_session[Any]


def utcnow() -> datetime:
    """Aware UTC now; every stored time is UTC (docs/api.md, "Formats")."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, on PostgreSQL and SQLite alike.

    SQLite keeps no zone: without this, values read back naive and comparisons with aware
    datetimes raise. Naive values are refused on the way in to catch local-time bugs early.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")

TYPE_ANNOTATION_MAP: dict[Any, Any] = {
    datetime: UTCDateTime(),
    uuid.UUID: sa.Uuid(),
    dict[str, Any]: JSONType,
    list[Any]: JSONType,
}


def service_registry() -> registry:
    """A registry with its own metadata, HDMS's constraint names and portable column types."""
    return registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map=TYPE_ANNOTATION_MAP,
    )


class UUIDPrimaryKey:
    """A random UUID primary key: ids are not guessable and need no database round trip."""

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), primary_key=True, default=uuid.uuid4)


class Timestamps:
    """created_at / updated_at, set by the application in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


def engine_options(database_url: str) -> dict[str, Any]:
    """Engine options that are right for the URL's database.

    PostgreSQL is reached through PgBouncer in transaction mode by some services: psycopg2 uses
    no server-side prepared statements, and nothing here sets session state, so a pooled server
    connection can change between transactions. A small local pool survives a restarted server
    or pooler (see ``_ping_after_idle``); PgBouncer does the real pooling.
    """
    if database_url.startswith("sqlite"):
        return {"connect_args": {"check_same_thread": False, "timeout": 30}}
    return {
        # A gevent worker runs many requests at once, each holding a connection for its
        # transaction. A connection beyond pool_size is opened for one checkout and closed on
        # return (a TCP connect and a SCRAM login at PgBouncer each time), so the pool keeps as
        # many as a worker's requests commonly overlap: 16 clients over two ticket workers.
        "pool_size": 10,
        "max_overflow": 10,
        "pool_timeout": 10,
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": 5, "application_name": "hdms"},
    }


#: A pooled connection idle longer than this is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 1.0


@event.listens_for(sa.pool.Pool, "checkin")
def _note_checkin(dbapi_connection: Any, connection_record: Any) -> None:
    connection_record.info["hdms_checked_in_at"] = time.monotonic()


@event.listens_for(sa.pool.Pool, "checkout")
def _ping_after_idle(dbapi_connection: Any, connection_record: Any, proxy: Any) -> None:
    """SQLAlchemy's pool_pre_ping, for connections that sat idle only.

    pool_pre_ping sends a `SELECT 1` through PgBouncer before every transaction: a fifth of a
    ticket create's round trips. Under load a connection returns to the pool and leaves it
    again within milliseconds, and a server or pooler that went away in that instant fails the
    one transaction that meets it (503, hdms_common.errors), after which SQLAlchemy drops the
    pool's connections. A connection that sat idle is pinged as before, so a restart during a
    quiet time costs no request at all.
    """
    checked_in_at = connection_record.info.get("hdms_checked_in_at")
    if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
        return
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    try:
        proxy._pool._dialect.do_ping(dbapi_connection)
    except Exception as exc:
        # The pool replaces the connection and retries the checkout.
        raise sa.exc.DisconnectionError(str(exc)) from exc


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL and foreign keys for the embedded SQLite files (readers never block the writer)."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


#: app.extensions key: the autocommit engines of an app, by the URL of its engine.
AUTOCOMMIT_ENGINES = "hdms_autocommit_engines"


def autocommit_engine(engine: Engine, extensions: dict[str, Any]) -> Engine:
    """An engine on ``engine``'s database whose connections are always in autocommit.

    A write that is one statement is atomic by itself: run outside a transaction it costs one
    round trip, where psycopg2 sends BEGIN before it and the caller COMMIT after it. Switching
    a pooled connection of the main engine to autocommit and back costs psycopg2 a round trip
    each way, so these connections are kept in a pool of their own, set once when opened.
    Made on first use (after a web worker forked), once per app (``extensions``: its
    app.extensions) and database.
    """
    engines: dict[str, Engine] = extensions.setdefault(AUTOCOMMIT_ENGINES, {})
    key = engine.url.render_as_string(hide_password=False)
    made = engines.get(key)
    if made is None:
        options = engine_options(key)
        options["pool_size"] = AUTOCOMMIT_POOL_SIZE
        made = engines[key] = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT", **options)
    return made


#: The autocommit pool serves single-statement writes only (a create), never held across a
#: call to another service: fewer connections than the main pool's request-long ones.
AUTOCOMMIT_POOL_SIZE = 5


def is_postgresql(bind: sa.engine.Connection | Engine) -> bool:
    return bind.dialect.name == "postgresql"


def check_version(row: Any, version: int | None, *, stale: Callable[[Any], Exception]) -> None:
    """Refuse a change made against an older version of ``row`` than the one read (412).

    No version means "apply to the latest state": callers read the row locked then.
    """
    if version is not None and version != row.version:
        raise stale(row)


def update_versioned(
    session: DbSession,
    row: Any,
    changes: Mapping[str, Any],
    *,
    now: datetime,
    stale: Callable[[Any], Exception],
    lost: Callable[[Any], None] | None = None,
) -> None:
    """Write ``changes`` to ``row`` only if nobody changed it since it was read: the optimistic
    lock every versioned table uses.

    The UPDATE is conditional on the version read (``WHERE id = :id AND version = :v``) and bumps
    it, so two writers that read the same version cannot both win. ``row`` is refreshed in every
    case. When the UPDATE touched no row, ``lost(row)`` runs first and may raise what the change
    means now (e.g. 409: the action no longer applies to the state the row is in); otherwise
    ``stale(row)`` is raised (412: reload and retry).
    """
    model = type(row)
    read_version = row.version
    result = session.execute(
        sa.update(model)
        .where(model.id == row.id, model.version == read_version)
        .values(**changes, version=read_version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    if getattr(result, "rowcount", 0) != 1:
        if lost is not None:
            lost(row)
        raise stale(row)
