"""file-service: streaming uploads, antivirus scanning, WebP/MP4 conversion, gated downloads."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from file_service.api import register_blueprints
from file_service.cli import register_cli
from file_service.config import load_file_limits, load_file_settings
from file_service.extensions import api, db, migrate
from file_service.scanning import ClamdScanner, EicarOnlyScanner, Scanner
from file_service.storage import LocalStorage
from file_service.tasks import bind_app, start_embedded
from hdms_common.app import configure_service_app
from hdms_common.config import ConfigurationError, Settings

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")

__all__ = ["create_app", "start_embedded"]


def _scanner(settings: Settings, timeout: float) -> Scanner:
    if settings.clamd_address:
        return ClamdScanner(settings.clamd_address, timeout=timeout)
    if settings.is_embedded:
        return EicarOnlyScanner()
    # Outside the embedded mode a missing scanner would mean files never get scanned.
    raise ConfigurationError("CLAMD_ADDRESS must be set outside the embedded mode")


def create_app(settings: Settings | None = None, environ: dict[str, str] | None = None) -> Flask:
    """Build the file-service app from ``settings`` (default: the environment)."""
    settings = settings or load_file_settings(environ)
    limits = load_file_limits(environ)
    app = Flask("file_service")
    configure_service_app(
        app,
        settings,
        db=db,
        migrate=migrate,
        api=api,
        title="HDMS file-service",
        url_prefix="/api/files",
        migrations_dir=MIGRATIONS_DIR,
        version_table="alembic_version_file",
    )
    register_blueprints(api)
    app.extensions["hdms_file_limits"] = limits
    app.extensions["hdms_file_storage"] = LocalStorage(settings.file_storage_dir)
    app.extensions["hdms_file_scanner"] = _scanner(settings, limits.scan_timeout_seconds)
    register_cli(app)
    bind_app(app)
    return app
