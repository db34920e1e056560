"""A worker killed in the middle of a task: the file still ends processed, exactly once."""

from __future__ import annotations

import io
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from PIL import Image

from hdms_common.testing.plugin import TestUser


def _big_jpeg() -> bytes:
    """36 megapixels that take the worker a few seconds to turn into WebP."""
    gradient = Image.linear_gradient("L").resize((6000, 6000))
    image = Image.merge(
        "RGB",
        (
            gradient,
            gradient.transpose(Image.Transpose.ROTATE_90),
            gradient.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
        ),
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _attempts(app: Flask, file_key: str) -> int:
    from file_service.extensions import db
    from file_service.models import Attachment

    with app.app_context():
        value = db.session.scalar(sa.select(Attachment.attempts).filter_by(file_key=file_key))
        db.session.rollback()
        return int(value or 0)


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def test_a_prefork_child_killed_mid_task_is_redelivered_and_finishes(
    app: Flask,
    worker_factory: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
) -> None:
    worker = worker_factory(pool="prefork")
    key = send_upload(requestor, "site-plan.jpg", _big_jpeg()).get_json()["file_key"]
    await_status(requestor, key, "processing", timeout=60)
    children = _children(worker.process.pid)
    assert children, "the prefork worker has no child process"

    os.kill(children[0], signal.SIGKILL)

    details = await_status(requestor, key, "ready", "failed", timeout=90)
    worker.stop()
    assert details["status"] == "ready"
    assert set(details["variants"]) == {"webp", "thumbnail"}
    # The conversion really ran twice: once killed, once redelivered (acks_late +
    # reject_on_worker_lost).
    assert _attempts(app, key) == 2


def test_a_worker_killed_outright_is_covered_by_another_worker_and_the_sweep(
    app: Flask,
    file_environ: dict[str, str],
    worker_factory: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
) -> None:
    from file_service import create_app
    from file_service.tasks import sweep_stale_files

    first = worker_factory()
    key = send_upload(requestor, "floor-plan.jpg", _big_jpeg()).get_json()["file_key"]
    await_status(requestor, key, "processing", timeout=60)

    first.kill()  # the whole worker, as an OOM kill or a lost host would
    time.sleep(1.5)
    assert await_status(requestor, key, "processing")["status"] == "processing"

    second = worker_factory()
    # The message stays unacknowledged in Redis until its visibility timeout; the sweep
    # (periodic in production) notices the stale file and queues it again.
    sweeper = create_app(environ={**file_environ, "FILE_STALE_AFTER_SECONDS": "1"})
    assert sweep_stale_files(sweeper) == (1, 0)

    details = await_status(requestor, key, "ready", "failed", timeout=90)
    second.stop()
    assert details["status"] == "ready"
    assert _attempts(app, key) == 2
