"""Typed settings read from the environment, with defaults that make the embedded mode work.

Every service builds its configuration from :class:`Settings`; the Flask config is derived
from it so that nothing reads ``os.environ`` anywhere else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

EMBEDDED = "embedded"
STACK = "stack"
PRODUCTION = "production"
ENVIRONMENTS = (EMBEDDED, STACK, PRODUCTION)

#: The secret the embedded mode and the tests fall back to. Production refuses it.
DEFAULT_JWT_SECRET = "hdms-embedded-insecure-secret-change-me-0000"  # noqa: S105 - refused in production
MIN_JWT_SECRET_LENGTH = 32


class ConfigurationError(RuntimeError):
    """Raised at start-up when the environment describes an unsafe or impossible setup."""


#: The Redis database of the Celery broker (docs/architecture.md).
CELERY_BROKER_DB = 2


def environment(environ: Mapping[str, str] | None = None) -> Mapping[str, str]:
    """The variables settings are read from: ``environ`` when given (tests, the embedded runner),
    else the process environment. The one place that reads ``os.environ``."""
    return os.environ if environ is None else environ


def read_int(env: Mapping[str, str], name: str, default: int) -> int:
    """The integer setting ``name``, ``default`` when unset; a clear error when not a number."""
    raw = env.get(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from exc


def redis_database_url(redis_url: str, database: int) -> str:
    """REDIS_URL with its database number replaced by ``database`` ("" when REDIS_URL is)."""
    if not redis_url:
        return ""
    parts = urlsplit(redis_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def broker_url(redis_url: str) -> str:
    """The Celery broker for REDIS_URL: its database 2 ("" without Redis)."""
    return redis_database_url(redis_url, CELERY_BROKER_DB)


def _project_var_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get("HDMS_VAR_DIR", "var")).resolve()


@dataclass(frozen=True)
class Settings:
    """Everything a service may be configured with (docs/architecture.md, "Configuration").

    ``database_url`` is the URL this service should use: PGBOUNCER_URL for services that go
    through the pooler when it is set, else ``<SERVICE>_DATABASE_URL``, else DATABASE_URL, else
    a SQLite file under ./var in the embedded mode.
    """

    service_name: str
    hdms_env: str = EMBEDDED
    database_url: str = ""
    redis_url: str = ""
    auth_service_url: str = "http://127.0.0.1:8080"
    ticket_service_url: str = "http://127.0.0.1:8080"
    file_service_url: str = "http://127.0.0.1:8080"
    communication_service_url: str = "http://127.0.0.1:8080"
    jwt_secret_key: str = DEFAULT_JWT_SECRET
    access_token_minutes: int = 15
    refresh_token_days: int = 7
    file_storage_dir: str = ""
    file_max_bytes: int = 1024 * 1024 * 1024
    clamd_address: str = ""
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: int = 0
    log_level: str = "INFO"
    log_json: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_embedded(self) -> bool:
        return self.hdms_env == EMBEDDED

    @property
    def is_production(self) -> bool:
        return self.hdms_env == PRODUCTION

    @property
    def broker_url(self) -> str:
        """The Celery broker: Redis database 2, or an in-memory one without Redis."""
        return broker_url(self.redis_url) or "memory://"

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some fields replaced (tests and the embedded runner use it)."""
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ConfigurationError(f"unknown settings: {sorted(unknown)}")
        return replace(self, **overrides)

    def validate(self) -> Settings:
        """Refuse configurations that would be unsafe; returns self for chaining."""
        if self.hdms_env not in ENVIRONMENTS:
            raise ConfigurationError(
                f"HDMS_ENV must be one of {', '.join(ENVIRONMENTS)}, got {self.hdms_env!r}"
            )
        if self.is_production and (
            self.jwt_secret_key == DEFAULT_JWT_SECRET
            or len(self.jwt_secret_key) < MIN_JWT_SECRET_LENGTH
        ):
            raise ConfigurationError(
                "JWT_SECRET_KEY must be set to a random value of at least "
                f"{MIN_JWT_SECRET_LENGTH} characters in production"
            )
        if not self.database_url:
            raise ConfigurationError(f"no database URL configured for {self.service_name}")
        if self.file_max_bytes <= 0:
            raise ConfigurationError("FILE_MAX_BYTES must be positive")
        return self


def sqlalchemy_url(url: str) -> str:
    """Pin PostgreSQL URLs to psycopg2, the driver HDMS runs (and patches under gevent)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg2://" + url[len(scheme) :]
    return url


def load_settings(
    service_name: str,
    *,
    via_pgbouncer: bool = False,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Read :class:`Settings` for ``service_name`` from the environment.

    ``via_pgbouncer`` marks the services that docs/architecture.md puts behind PgBouncer
    (ticket- and communication-service): they prefer PGBOUNCER_URL when it is set.
    """
    env = dict(environment(environ))
    hdms_env = env.get("HDMS_ENV", EMBEDDED)
    prefix = service_name.upper().replace("-", "_")
    database_url = (
        env.get(f"{prefix}_DATABASE_URL")
        or (env.get("PGBOUNCER_URL") if via_pgbouncer else None)
        or env.get("DATABASE_URL")
        or ""
    )
    if not database_url and hdms_env == EMBEDDED:
        var_dir = _project_var_dir(env)
        var_dir.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{var_dir / (service_name + '.db')}"
    storage = env.get("FILE_STORAGE_DIR") or str(_project_var_dir(env) / "files")
    settings = Settings(
        service_name=service_name,
        hdms_env=hdms_env,
        database_url=sqlalchemy_url(database_url),
        redis_url=env.get("REDIS_URL", ""),
        auth_service_url=env.get("AUTH_SERVICE_URL", Settings.auth_service_url),
        ticket_service_url=env.get("TICKET_SERVICE_URL", Settings.ticket_service_url),
        file_service_url=env.get("FILE_SERVICE_URL", Settings.file_service_url),
        communication_service_url=env.get(
            "COMMUNICATION_SERVICE_URL", Settings.communication_service_url
        ),
        jwt_secret_key=env.get("JWT_SECRET_KEY", DEFAULT_JWT_SECRET),
        access_token_minutes=read_int(env, "ACCESS_TOKEN_MINUTES", 15),
        refresh_token_days=read_int(env, "REFRESH_TOKEN_DAYS", 7),
        file_storage_dir=storage,
        file_max_bytes=read_int(env, "FILE_MAX_BYTES", 1024**3),
        clamd_address=env.get("CLAMD_ADDRESS", ""),
        cors_origins=tuple(o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()),
        trusted_proxies=read_int(env, "TRUSTED_PROXIES", 0),
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        log_json=env.get("LOG_FORMAT", "json") == "json",
        extra={k: v for k, v in env.items() if k.startswith(prefix + "_")},
    )
    if overrides:
        settings = settings.with_overrides(**overrides)
    return settings.validate()


@dataclass(frozen=True)
class ServerSettings:
    """What gunicorn is started with (hdms_common.gunicorn_conf)."""

    workers: int = 2
    worker_connections: int = 1000
    bind: str = "127.0.0.1:8000"


def load_server_settings(environ: Mapping[str, str] | None = None) -> ServerSettings:
    """WEB_CONCURRENCY, WORKER_CONNECTIONS and BIND."""
    env = environment(environ)
    return ServerSettings(
        workers=read_int(env, "WEB_CONCURRENCY", ServerSettings.workers),
        worker_connections=read_int(env, "WORKER_CONNECTIONS", ServerSettings.worker_connections),
        bind=env.get("BIND", ServerSettings.bind),
    )
