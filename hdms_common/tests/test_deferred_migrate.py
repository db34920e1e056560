"""A service's app loads alembic only when migrations are wanted (hdms_common.deferred_migrate)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BUILD_AND_REPORT = """
import sys
from ticket_service import create_app
app = create_app()
print("alembic" in sys.modules)
if len(sys.argv) > 1:
    from flask_migrate import upgrade
    with app.app_context():
        upgrade()
        from ticket_service.extensions import db
        import sqlalchemy as sa
        version = sa.text("SELECT version_num FROM alembic_version_ticket")
        print(db.session.execute(version).scalar())
"""


def run(tmp_path: Path, *args: str) -> list[str]:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'tickets.db'}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", BUILD_AND_REPORT, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.split()


def test_a_web_process_builds_its_app_without_alembic(tmp_path: Path) -> None:
    assert run(tmp_path) == ["False"]


def test_migrating_in_process_binds_flask_migrate_on_first_use(tmp_path: Path) -> None:
    loaded, version = run(tmp_path, "migrate")
    assert loaded == "False"
    assert version.startswith("00")
