"""The wiring every service's ``create_app`` shares, so that no service can forget a part.

The service keeps its own extensions and blueprints; this sets the config derived from
:class:`~hdms_common.config.Settings`, logging and request ids, strict JWT, OpenAPI, the
problem+json handlers and the health probes, in the order they need.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from werkzeug.middleware.proxy_fix import ProxyFix

from hdms_common.api import Api, configure_openapi
from hdms_common.auth import init_jwt
from hdms_common.config import Settings
from hdms_common.db import engine_options
from hdms_common.deferred_migrate import DeferredMigrate
from hdms_common.errors import register_error_handlers
from hdms_common.health import register_health
from hdms_common.json_provider import OrjsonProvider
from hdms_common.logging import configure_logging, init_request_ids


def configure_service_app(
    app: Flask,
    settings: Settings,
    *,
    db: SQLAlchemy,
    migrate: DeferredMigrate,
    api: Api,
    title: str,
    url_prefix: str,
    migrations_dir: str,
    version_table: str,
    extra_config: dict[str, Any] | None = None,
) -> None:
    """Bind the shared extensions to ``app``; blueprints are registered by the caller after."""
    app.config.update(
        HDMS_SETTINGS=settings,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings.database_url),
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
        **(extra_config or {}),
    )
    if settings.trusted_proxies:
        # Behind nginx, the client address (login throttling, logs) is in X-Forwarded-For.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    app.json = OrjsonProvider(app)
    app.json.sort_keys = False  # fields in schema order
    configure_logging(settings.service_name, level=settings.log_level, json_lines=settings.log_json)
    init_request_ids(app, settings.service_name)
    configure_openapi(app, title=title, url_prefix=url_prefix)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=migrations_dir,
        version_table=version_table,
        render_as_batch=settings.database_url.startswith("sqlite"),
        compare_type=True,
    )
    init_jwt(app, settings)
    api.init_app(app)
    register_error_handlers(app)
    register_health(app, db=db, redis_url=settings.redis_url, prefix=url_prefix)


def settings_of(app: Flask) -> Settings:
    """The settings the app was built with."""
    settings = app.config["HDMS_SETTINGS"]
    assert isinstance(settings, Settings)
    return settings
