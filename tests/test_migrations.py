"""Every service's models and its Alembic migrations agree, on the shared PostgreSQL database.

`flask db check` autogenerates against the migrated schema: any model change without a
migration (or a migration that drifted from the models) shows up as pending operations.
Other services' tables in the same database must not be taken for drift.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

FLASK = Path(sys.executable).with_name("flask")
SERVICES = [
    p
    for p in ("auth_service", "ticket_service", "communication_service", "file_service")
    if importlib.util.find_spec(p) is not None
]


def _flask(package: str, environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environ, "CLAMD_ADDRESS": "127.0.0.1:3310", "LOG_FORMAT": "text"}
    return subprocess.run(
        [str(FLASK), "--app", f"{package}:create_app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def every_service_migrated(base_environ):
    for package in SERVICES:
        result = _flask(package, base_environ, "db", "upgrade")
        assert result.returncode == 0, result.stderr
    return base_environ


@pytest.mark.parametrize("package", SERVICES)
def test_models_match_the_migrations(every_service_migrated, package):
    result = _flask(package, every_service_migrated, "db", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No new upgrade operations detected" in result.stdout + result.stderr


@pytest.mark.parametrize("package", SERVICES)
def test_each_service_records_its_own_alembic_version(every_service_migrated, package):
    result = _flask(package, every_service_migrated, "db", "current")
    assert result.returncode == 0, result.stderr
    assert "(head)" in result.stdout
