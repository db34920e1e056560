"""Settings from the environment: safe defaults for the embedded mode, refusals for production."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from hdms_common.config import (
    DEFAULT_JWT_SECRET,
    ConfigurationError,
    ServerSettings,
    load_server_settings,
    load_settings,
)


def test_embedded_mode_defaults_to_a_sqlite_file_per_service(tmp_path):
    settings = load_settings("ticket", environ={"HDMS_VAR_DIR": str(tmp_path)})
    assert settings.is_embedded
    assert settings.database_url == f"sqlite:///{tmp_path / 'ticket.db'}"
    assert settings.file_storage_dir == str(tmp_path / "files")


def test_postgresql_urls_are_pinned_to_psycopg2():
    settings = load_settings(
        "auth", environ={"HDMS_ENV": "stack", "DATABASE_URL": "postgresql://u@h/db"}
    )
    assert settings.database_url == "postgresql+psycopg2://u@h/db"


def test_services_behind_pgbouncer_prefer_its_url_and_others_do_not():
    environ = {
        "HDMS_ENV": "stack",
        "DATABASE_URL": "postgresql://u@h:5432/db",
        "PGBOUNCER_URL": "postgresql://u@h:6432/db",
    }
    assert load_settings("ticket", via_pgbouncer=True, environ=environ).database_url.endswith(
        ":6432/db"
    )
    assert load_settings("auth", environ=environ).database_url.endswith(":5432/db")


def test_a_service_specific_url_wins():
    environ = {
        "HDMS_ENV": "stack",
        "DATABASE_URL": "postgresql://u@h/a",
        "FILE_DATABASE_URL": "postgresql://u@h/b",
    }
    assert load_settings("file", environ=environ).database_url.endswith("/b")


@pytest.mark.parametrize("secret", [None, DEFAULT_JWT_SECRET, "short-secret"])
def test_production_refuses_a_default_or_short_jwt_secret(secret):
    environ = {"HDMS_ENV": "production", "DATABASE_URL": "postgresql://u@h/db"}
    if secret is not None:
        environ["JWT_SECRET_KEY"] = secret
    with pytest.raises(ConfigurationError, match="JWT_SECRET_KEY"):
        load_settings("auth", environ=environ)


def test_production_accepts_a_long_random_secret():
    environ = {
        "HDMS_ENV": "production",
        "DATABASE_URL": "postgresql://u@h/db",
        "JWT_SECRET_KEY": "k" * 48,
    }
    assert load_settings("auth", environ=environ).is_production


def test_unknown_environment_and_bad_numbers_are_refused():
    with pytest.raises(ConfigurationError, match="HDMS_ENV"):
        load_settings("auth", environ={"HDMS_ENV": "staging", "DATABASE_URL": "sqlite://"})
    with pytest.raises(ConfigurationError, match="FILE_MAX_BYTES"):
        load_settings("auth", environ={"FILE_MAX_BYTES": "lots", "DATABASE_URL": "sqlite://"})


def test_cors_origins_are_a_clean_tuple():
    settings = load_settings(
        "auth",
        environ={
            "CORS_ORIGINS": " https://a.example , ,https://b.example",
            "DATABASE_URL": "sqlite://",
        },
    )
    assert settings.cors_origins == ("https://a.example", "https://b.example")


def test_the_celery_broker_is_redis_database_2_or_in_memory(tmp_path):
    stack = {"HDMS_ENV": "stack", "DATABASE_URL": "postgresql://u@h/db"}
    with_redis = load_settings("file", environ={**stack, "REDIS_URL": "redis://cache:6380/0?x=1"})
    assert with_redis.broker_url == "redis://cache:6380/2?x=1"
    assert load_settings("file", environ={"HDMS_VAR_DIR": str(tmp_path)}).broker_url == "memory://"


def test_gunicorn_settings_have_defaults_and_refuse_bad_numbers():
    assert load_server_settings(environ={}) == ServerSettings(2, 1000, "127.0.0.1:8000")
    server = load_server_settings(environ={"WEB_CONCURRENCY": "4", "BIND": "0.0.0.0:9000"})
    assert (server.workers, server.bind) == (4, "0.0.0.0:9000")
    with pytest.raises(ConfigurationError, match="WORKER_CONNECTIONS must be an integer"):
        load_server_settings(environ={"WORKER_CONNECTIONS": "many"})


def test_celery_apps_read_their_broker_from_the_settings_not_at_import():
    """Importing the task modules reads no setting; the broker is the settings' once asked."""
    code = (
        "import os\n"
        "os.environ['REDIS_URL'] = 'not a url'\n"
        "from ticket_service import tasks as ticket_tasks\n"
        "from file_service import tasks as file_tasks\n"
        "os.environ.update(HDMS_ENV='stack', DATABASE_URL='postgresql://u@h/db',\n"
        "                  REDIS_URL='redis://cache:6379/0')\n"
        "print(ticket_tasks.celery_app.conf.broker_url, file_tasks.celery.conf.broker_url)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://cache:6379/2", "redis://cache:6379/2"]
