"""One processing run of a file: scan, then convert, committing between the steps.

Shared by the Celery task (stack, production) and the embedded in-process runner. The slow
parts (clamd, Pillow, PyAV) run with no database transaction open.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask

from file_service.config import FileLimits
from file_service.content_types import ALLOWED, IMAGE, VIDEO
from file_service.extensions import db
from file_service.media import MediaRefused, convert_image, convert_video
from file_service.scanning import Scanner, ScannerUnavailable
from file_service.services import processing
from file_service.storage import Storage

log = logging.getLogger(__name__)
T = TypeVar("T")


def off_the_event_loop(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run CPU-bound C work (clamd I/O, Pillow, PyAV) in a real OS thread under gevent.

    In the embedded mode every service shares one gevent process: a two-second video
    conversion on the hub would freeze every request and WebSocket meanwhile. Celery workers
    are not monkey-patched and just call ``func``.
    """
    from gevent import monkey

    if monkey.is_module_patched("threading"):
        import gevent

        result: T = gevent.get_hub().threadpool.apply(func, args, kwargs)
        return result
    return func(*args, **kwargs)


def components(app: Flask) -> tuple[Storage, Scanner, FileLimits]:
    return (
        app.extensions["hdms_file_storage"],
        app.extensions["hdms_file_scanner"],
        app.extensions["hdms_file_limits"],
    )


def process_file(app: Flask, attachment_id: uuid.UUID, *, last_attempt: bool) -> None:
    """Scan and convert one file. Raises ScannerUnavailable when the scan should be retried
    later (the file is put back to pending); on the last attempt the file fails instead.
    """
    storage, scanner, limits = components(app)
    with app.app_context():
        job = processing.start_processing(session=db.session, attachment_id=attachment_id)
        db.session.commit()
        if job is None:
            _finish_quarantine(storage, attachment_id)
            return
        original = storage.path(job.file_key)
        try:
            result = off_the_event_loop(scanner.scan, original)
        except (ScannerUnavailable, FileNotFoundError) as exc:
            if last_attempt or isinstance(exc, FileNotFoundError):
                processing.fail_processing(
                    session=db.session,
                    attachment_id=attachment_id,
                    reason=f"The antivirus scan could not run: {exc}",
                )
                db.session.commit()
                return
            processing.postpone_processing(session=db.session, attachment_id=attachment_id)
            db.session.commit()
            raise
        clean = processing.record_scan(
            session=db.session, attachment_id=attachment_id, result=result
        )
        db.session.commit()
        if not clean:
            storage.quarantine(job.file_key)
            return
        conversion_error: str | None = None
        try:
            variants = off_the_event_loop(
                make_variants, storage, limits, job.file_key, job.content_type
            )
        except MediaRefused as exc:
            processing.fail_processing(
                session=db.session, attachment_id=attachment_id, reason=str(exc)
            )
            db.session.commit()
            return
        except Exception as exc:  # noqa: BLE001 - any converter failure, see below
            # The file is clean and its original intact: a converter that raises on it (a
            # Pillow or FFmpeg limit or bug) costs the previews, not the file. Left uncaught,
            # the file would stay in processing until the sweep gave up on it.
            log.exception("file %s: no preview could be made", job.file_key)
            variants = {}
            conversion_error = f"No preview could be made ({type(exc).__name__}: {exc})."
        processing.finish_processing(
            session=db.session,
            attachment_id=attachment_id,
            variants=variants,
            conversion_error=conversion_error,
        )
        db.session.commit()


def _finish_quarantine(storage: Storage, attachment_id: uuid.UUID) -> None:
    """An infected file whose bytes were not moved yet (a worker died in between) is moved
    now; it was never served meanwhile, its status alone forbids that."""
    from file_service.models import Attachment, FileStatus

    attachment = db.session.get(Attachment, attachment_id)
    db.session.rollback()
    if attachment is not None and attachment.status == FileStatus.INFECTED:
        if storage.exists(attachment.file_key):
            storage.quarantine(attachment.file_key)


def make_variants(
    storage: Storage, limits: FileLimits, file_key: str, content_type: str
) -> dict[str, dict[str, Any]]:
    """Convert images to WebP + thumbnail and videos to MP4 + poster; others have none."""
    allowed = ALLOWED.get(content_type)
    kind = allowed.kind if allowed else ""
    source = storage.path(file_key)
    outputs: dict[str, tuple[Path, str]] = {}
    try:
        if kind == IMAGE:
            outputs["webp"] = (storage.variant_work_path(file_key, "webp"), "image/webp")
            outputs["thumbnail"] = (storage.variant_work_path(file_key, "thumbnail"), "image/webp")
            convert_image(
                source,
                webp=outputs["webp"][0],
                thumbnail=outputs["thumbnail"][0],
                max_pixels=limits.max_image_pixels,
            )
        elif kind == VIDEO:
            outputs["mp4"] = (storage.variant_work_path(file_key, "mp4"), "video/mp4")
            outputs["thumbnail"] = (storage.variant_work_path(file_key, "thumbnail"), "image/webp")
            convert_video(
                source,
                mp4=outputs["mp4"][0],
                poster=outputs["thumbnail"][0],
                max_seconds=limits.max_video_seconds,
                max_pixels=limits.max_video_pixels,
            )
        variants: dict[str, dict[str, Any]] = {}
        try:
            for name, (work, variant_type) in outputs.items():
                size = storage.write_variant(file_key, name, work)
                variants[name] = {"size": size, "content_type": variant_type}
        except BaseException:
            # All variants or none: a file is never left with bytes its row does not list.
            for name in outputs:
                storage.delete_variant(file_key, name)
            raise
        return variants
    finally:
        for work, _ in outputs.values():
            with contextlib.suppress(FileNotFoundError):
                work.unlink()
