"""The sweep: no file stays pending, scanning or processing forever."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from hdms_common.db import utcnow
from hdms_common.testing.plugin import TestUser


def _age(app: Flask, file_key: str, *, status: str, attempts: int, seconds: int) -> None:
    from file_service.extensions import db
    from file_service.models import Attachment

    with app.app_context():
        db.session.execute(
            sa.update(Attachment)
            .where(Attachment.file_key == file_key)
            .values(
                status=status,
                attempts=attempts,
                status_changed_at=utcnow() - timedelta(seconds=seconds),
                # The table insists that a file past scanning was scanned.
                scanned_at=utcnow() if status == "processing" else None,
            )
        )
        db.session.commit()


def test_the_sweep_requeues_stale_files_and_fails_those_out_of_attempts(
    app: Flask,
    client: Any,
    file_environ: dict[str, str],
    send_upload: Callable[..., Any],
    requestor: TestUser,
) -> None:
    from file_service import create_app

    stuck = send_upload(requestor, "a.txt", b"stuck in scanning\n").get_json()["file_key"]
    exhausted = send_upload(requestor, "b.txt", b"tried too often\n").get_json()["file_key"]
    fresh = send_upload(requestor, "c.txt", b"just uploaded\n").get_json()["file_key"]
    _age(app, stuck, status="scanning", attempts=1, seconds=120)
    _age(app, exhausted, status="processing", attempts=3, seconds=120)

    sweeper = create_app(environ={**file_environ, "FILE_STALE_AFTER_SECONDS": "60"})
    result = sweeper.test_cli_runner().invoke(args=["sweep-stale"])

    assert result.exit_code == 0, result.output
    assert "retried 1, failed 1" in result.output

    def status(key: str) -> dict[str, Any]:
        body: dict[str, Any] = client.get(
            f"/api/files/{key}/status/", headers=requestor.headers
        ).get_json()
        return body

    assert status(stuck)["status"] == "pending"
    assert status(exhausted) == {
        "file_key": exhausted,
        "status": "failed",
        "failure_reason": "Processing did not finish after 3 attempts.",
    }
    assert status(fresh)["status"] == "pending"


def test_the_process_command_runs_one_file_now(
    app: Flask,
    client: Any,
    send_upload: Callable[..., Any],
    requestor: TestUser,
) -> None:
    key = send_upload(requestor, "a.txt", b"process me\n").get_json()["file_key"]
    # "--": a file_key may begin with "-" (it is URL-safe base64), which click reads as an option.
    result = app.test_cli_runner().invoke(args=["process", "--", key])
    assert result.exit_code == 0, result.output
    body = client.get(f"/api/files/{key}/status/", headers=requestor.headers).get_json()
    assert body["status"] == "ready"
    unknown = app.test_cli_runner().invoke(args=["process", "x" * 32])
    assert unknown.exit_code != 0


def test_a_redelivered_task_finishes_the_quarantine_of_an_infected_file(
    app: Flask,
    storage_dir: Any,
    send_upload: Callable[..., Any],
    requestor: TestUser,
) -> None:
    """A worker that died between recording "infected" and moving the bytes."""
    from file_service.extensions import db
    from file_service.models import Attachment
    from file_service.pipeline import process_file

    key = send_upload(requestor, "a.txt", b"pretend this is a virus\n").get_json()["file_key"]
    with app.app_context():
        db.session.execute(
            sa.update(Attachment)
            .where(Attachment.file_key == key)
            .values(status="infected", scanned_at=utcnow(), scan_result="Test-Signature")
        )
        db.session.commit()
        attachment_id = db.session.scalar(sa.select(Attachment.id).filter_by(file_key=key))
        db.session.rollback()
    assert (storage_dir / "objects" / key[:2] / key[2:4] / key / "original").exists()

    process_file(app, attachment_id, last_attempt=False)

    assert not (storage_dir / "objects" / key[:2] / key[2:4] / key).exists()
    assert (storage_dir / "quarantine" / key[:2] / key).exists()
