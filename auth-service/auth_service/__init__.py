"""auth-service: employees, departments, HDMS grants, login and token refresh.

Compatible with the company's external auth service (docs/api.md, "auth-service"): in production
AUTH_SERVICE_URL may point to that one instead.
"""

from __future__ import annotations

from pathlib import Path

import redis
from flask import Flask

from auth_service.api import register_blueprints
from auth_service.api.commit import ACCESS_REDIS
from auth_service.cli import register_cli
from auth_service.config import load_auth_settings, load_login_throttle
from auth_service.extensions import api, db, migrate
from auth_service.services.departments import install_department_facts
from auth_service.services.throttle import MemoryCounterStore, RedisCounterStore
from hdms_common.app import configure_service_app
from hdms_common.config import Settings

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(settings: Settings | None = None, environ: dict[str, str] | None = None) -> Flask:
    """Build the auth-service app from ``settings`` (default: the environment)."""
    settings = settings or load_auth_settings(environ)
    app = Flask("auth_service")
    configure_service_app(
        app,
        settings,
        db=db,
        migrate=migrate,
        api=api,
        title="HDMS auth-service",
        url_prefix="/api/auth",
        migrations_dir=MIGRATIONS_DIR,
        version_table="alembic_version_auth",
    )
    register_blueprints(api)
    app.extensions["hdms_login_throttle"] = load_login_throttle(environ)
    app.extensions["hdms_login_counters"] = (
        RedisCounterStore(redis.Redis.from_url(settings.redis_url, socket_timeout=2))
        if settings.redis_url
        else MemoryCounterStore()
    )
    app.extensions[ACCESS_REDIS] = (
        redis.Redis.from_url(settings.redis_url, socket_timeout=2) if settings.redis_url else None
    )
    install_department_facts(app, db.session)
    register_cli(app)
    return app


def start_embedded(app: Flask) -> None:
    """Embedded mode: the access stamps that can still revoke a token, from the database.

    In the stack other processes replay them from the Redis stream; here the process itself
    restarted, so they are read back from the employees table.
    """
    from datetime import timedelta

    from auth_service.services.access import load_recent_stamps
    from hdms_common.app import settings_of
    from hdms_common.auth import LEEWAY_SECONDS

    lookback = timedelta(minutes=settings_of(app).access_token_minutes, seconds=LEEWAY_SECONDS)
    with app.app_context():
        try:
            load_recent_stamps(session=db.session, lookback=lookback)
        finally:
            db.session.remove()
