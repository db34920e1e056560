"""Settings from the environment: safe defaults for the embedded mode, refusals for production."""

from __future__ import annotations

import pytest

from hdms_common.config import DEFAULT_JWT_SECRET, ConfigurationError, load_settings


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
