"""/healthz (the process answers) and /readyz (its database and Redis answer) on every service."""

from __future__ import annotations

import logging
from typing import Any

import redis
import sqlalchemy as sa
from flask import Blueprint, Flask, jsonify
from flask.typing import ResponseReturnValue
from flask_sqlalchemy import SQLAlchemy

from hdms_common.errors import problem_response

log = logging.getLogger(__name__)


def register_health(app: Flask, *, db: SQLAlchemy, redis_url: str = "", prefix: str = "") -> None:
    """Add the probes at the root and, when given, under the service's API prefix too.

    The prefixed copies (e.g. /api/files/healthz) let the gateway and the embedded dispatcher
    reach each service's probes through the same routes as its API.
    """
    blueprint = Blueprint(f"health_{prefix.strip('/').replace('/', '_') or 'root'}", __name__)

    def healthz() -> ResponseReturnValue:
        return jsonify(status="ok", service=app.name)

    def readyz() -> ResponseReturnValue:
        checks: dict[str, Any] = {}
        try:
            with db.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            log.warning("readiness: database unreachable: %s", exc.__class__.__name__)
            checks["database"] = "unavailable"
        if redis_url:
            try:
                client = redis.Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
                client.ping()
                client.close()
                checks["redis"] = "ok"
            except redis.RedisError as exc:
                log.warning("readiness: redis unreachable: %s", exc.__class__.__name__)
                checks["redis"] = "unavailable"
        if any(v != "ok" for v in checks.values()):
            return problem_response(
                503, detail="A dependency is unavailable.", slug="not-ready", checks=checks
            )
        return jsonify(status="ready", checks=checks)

    blueprint.add_url_rule("/healthz", "healthz", healthz)
    blueprint.add_url_rule("/readyz", "readyz", readyz)
    app.register_blueprint(blueprint)
    if prefix:
        prefixed = Blueprint(blueprint.name + "_prefixed", __name__, url_prefix=prefix)
        prefixed.add_url_rule("/healthz", "healthz", healthz)
        prefixed.add_url_rule("/readyz", "readyz", readyz)
        app.register_blueprint(prefixed)
