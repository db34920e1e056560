"""`hdms`, the one management entry point, on an embedded (SQLite) installation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HDMS = Path(sys.executable).with_name("hdms")


def _hdms(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "PGBOUNCER_URL", "REDIS_URL")
    }
    env.update(
        HDMS_ENV="embedded",
        HDMS_VAR_DIR=str(tmp_path / "var"),
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
    )
    return subprocess.run(
        [str(HDMS), *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


def test_help_lists_every_services_commands_with_their_help(tmp_path):
    result = _hdms(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    for command in ("migrate", "create-admin", "grant", "seed-demo"):
        assert command in result.stdout
    assert "Grant or revoke HDMS roles" in result.stdout


def test_migrate_seed_grant_and_create_admin_on_a_fresh_installation(tmp_path):
    assert _hdms(tmp_path, "migrate").returncode == 0
    seeded = _hdms(tmp_path, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    assert "REQ001" in seeded.stdout and "demo-requestor-pass" in seeded.stdout
    granted = _hdms(
        tmp_path,
        "grant",
        "--employee-code",
        "REQ001",
        "--role",
        "assignee",
        "--department-code",
        "FAC",
    )
    assert granted.returncode == 0, granted.stderr
    assert "assignee" in granted.stdout
    created = _hdms(
        tmp_path,
        "create-admin",
        "--employee-code",
        "BOSS1",
        "--name",
        "The Boss",
        "--department-code",
        "HQ",
        "--password",
        "a-long-admin-password",
    )
    assert created.returncode == 0, created.stderr
    assert "admin BOSS1 created" in created.stdout


def test_unknown_employee_is_a_clear_error(tmp_path):
    _hdms(tmp_path, "migrate")
    result = _hdms(
        tmp_path, "grant", "--employee-code", "NOBODY", "--role", "admin", "--department-code", "IT"
    )
    assert result.returncode != 0
    assert "no employee with code NOBODY" in result.stderr
