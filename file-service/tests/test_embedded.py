"""The embedded mode: SQLite, no Redis, no clamd; processing runs in this process."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from hdms_common.testing.plugin import TestUser

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture
def embedded_app(tmp_path: Path, jwt_secret: str) -> Iterator[Flask]:
    from file_service import create_app, start_embedded
    from file_service.extensions import db
    from hdms_common.testing.plugin import migrate_database

    app = create_app(
        environ={
            "HDMS_ENV": "embedded",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'file.db'}",
            "FILE_STORAGE_DIR": str(tmp_path / "files"),
            "JWT_SECRET_KEY": jwt_secret,
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "WARNING",
        }
    )
    assert app.config["HDMS_SETTINGS"].redis_url == ""
    migrate_database(app, db)
    start_embedded(app)
    yield app
    app.extensions["hdms_file_runner"].stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _wait(client: Any, user: TestUser, key: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/files/{key}/", headers=user.headers).get_json()
        if body["status"] in ("ready", "infected", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"{key} never finished")


def test_the_embedded_mode_scans_converts_and_quarantines_in_process(
    embedded_app: Flask,
    token_user: Callable[..., TestUser],
    make_png: Callable[..., bytes],
) -> None:
    user = token_user()
    client = embedded_app.test_client()

    def send(name: str, data: bytes) -> str:
        response = client.post(
            "/api/files/upload/",
            data={"file": (io.BytesIO(data), name)},
            headers=user.headers,
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_json()
        key: str = response.get_json()["file_key"]
        return key

    image = _wait(client, user, send("a.png", make_png()))
    virus = _wait(client, user, send("eicar.txt", EICAR))

    assert image["status"] == "ready"
    assert set(image["variants"]) == {"webp", "thumbnail"}
    assert "EICAR-only" in image["scan_engine"]
    assert virus["status"] == "infected"
    assert "EICAR-only" in virus["scan_engine"]
    response = client.get(f"/api/files/{virus['file_key']}/download/", headers=user.headers)
    assert response.status_code == 410


def test_outside_the_embedded_mode_a_scanner_address_is_required(
    file_environ: dict[str, str],
) -> None:
    from file_service import create_app
    from hdms_common.config import ConfigurationError

    environ = {k: v for k, v in file_environ.items() if k != "CLAMD_ADDRESS"}
    with pytest.raises(ConfigurationError, match="CLAMD_ADDRESS"):
        create_app(environ=environ)
