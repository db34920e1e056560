"""auth-service: employees, departments, HDMS grants, login and token refresh.

Compatible with the company's external auth service (docs/api.md, "auth-service"): in production
AUTH_SERVICE_URL may point to that one instead.
"""

from __future__ import annotations

from pathlib import Path

import redis
from flask import Flask

from auth_service.api import register_blueprints
from auth_service.cli import register_cli
from auth_service.config import load_auth_settings, load_login_throttle
from auth_service.extensions import api, db, migrate
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
    register_cli(app)
    return app
