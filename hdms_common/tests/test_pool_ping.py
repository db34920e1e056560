"""Pooled PostgreSQL connections are pinged after sitting idle, not before every transaction
(hdms_common.db._ping_after_idle), and a connection whose server went away is replaced."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa

from hdms_common import db as hdms_db
from hdms_common.config import sqlalchemy_url
from hdms_common.db import engine_options


def backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def terminate(admin: sa.Engine, pid: int) -> None:
    with admin.connect() as connection:
        connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        connection.commit()


@pytest.fixture
def engines(postgres_server: Any) -> Any:
    url = sqlalchemy_url(postgres_server.url)
    engine = sa.create_engine(url, **engine_options(url))
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    yield engine, admin
    engine.dispose()
    admin.dispose()


def test_a_connection_in_steady_use_is_not_pinged(engines: Any) -> None:
    engine, _admin = engines
    backend_pid(engine)
    pings: list[int] = []
    original = engine.dialect.do_ping
    engine.dialect.do_ping = lambda connection: pings.append(1) or original(connection)  # type: ignore[method-assign]
    for _ in range(20):
        backend_pid(engine)
    assert pings == []


def test_an_idle_connection_whose_server_went_away_is_replaced_unseen(
    engines: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, admin = engines
    monkeypatch.setattr(hdms_db, "PING_AFTER_IDLE_SECONDS", 0.2)
    first = backend_pid(engine)
    terminate(admin, first)
    time.sleep(0.3)
    assert backend_pid(engine) != first


def test_a_busy_connection_whose_server_went_away_fails_once_then_the_pool_recovers(
    engines: Any,
) -> None:
    engine, admin = engines
    first = backend_pid(engine)
    terminate(admin, first)
    with pytest.raises(sa.exc.OperationalError) as failure:
        backend_pid(engine)
    assert failure.value.connection_invalidated
    assert backend_pid(engine) != first
