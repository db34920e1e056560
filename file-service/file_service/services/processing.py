"""The life of an upload after it is stored: scan, convert, and the states in between.

Every function here takes ids, re-reads the row and decides from its current status, so a
task delivered twice (acks_late, a killed worker, the sweep) does no harm: a file that is
already ready, infected or failed is left alone. The caller commits after each step and
performs the slow work (clamd, conversion) with no transaction open.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from file_service.models import FINAL, IN_FLIGHT, Attachment, FileStatus
from file_service.scanning import ScanResult
from hdms_common.db import DbSession, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """What a processing run needs, copied out of the row before the transaction ends."""

    attachment_id: uuid.UUID
    file_key: str
    content_type: str
    status: str
    attempt: int


def _set_status(attachment: Attachment, status: FileStatus, reason: str | None = None) -> None:
    attachment.status = status.value
    attachment.status_changed_at = utcnow()
    attachment.failure_reason = reason


def start_processing(*, session: DbSession, attachment_id: uuid.UUID) -> Job | None:
    """Move a file into scanning for a new attempt; None when there is nothing left to do."""
    attachment = session.get(Attachment, attachment_id, with_for_update=True)
    if attachment is None or attachment.status in FINAL:
        return None
    attachment.attempts += 1
    _set_status(attachment, FileStatus.SCANNING)
    session.flush()
    return Job(
        attachment.id,
        attachment.file_key,
        attachment.content_type,
        attachment.status,
        attachment.attempts,
    )


def record_scan(*, session: DbSession, attachment_id: uuid.UUID, result: ScanResult) -> bool:
    """Store the verdict; returns whether the file is clean and should be processed."""
    attachment = session.get(Attachment, attachment_id, with_for_update=True)
    if attachment is None or attachment.status in FINAL:
        return False
    attachment.scanned_at = utcnow()
    attachment.scan_engine = result.engine[:255]
    if result.clean:
        attachment.scan_result = "clean"
        _set_status(attachment, FileStatus.PROCESSING)
    else:
        attachment.scan_result = (result.signature or "unknown")[:255]
        _set_status(attachment, FileStatus.INFECTED)
        log.warning("file %s infected: %s", attachment.file_key, attachment.scan_result)
    session.flush()
    return result.clean


def finish_processing(
    *,
    session: DbSession,
    attachment_id: uuid.UUID,
    variants: dict[str, dict[str, object]],
    conversion_error: str | None = None,
) -> None:
    """Record the variants made and mark the file ready.

    ``conversion_error`` says why a clean file has no variants (the converter failed on it):
    the file is still ready, served as its original only.
    """
    attachment = session.get(Attachment, attachment_id, with_for_update=True)
    if attachment is None or attachment.status != FileStatus.PROCESSING:
        return
    attachment.variants = variants
    attachment.conversion_error = conversion_error[:1000] if conversion_error else None
    attachment.processed_at = utcnow()
    _set_status(attachment, FileStatus.READY)
    session.flush()


def fail_processing(*, session: DbSession, attachment_id: uuid.UUID, reason: str) -> None:
    """Mark a file failed with a reason (never downloadable, never "clean")."""
    attachment = session.get(Attachment, attachment_id, with_for_update=True)
    if attachment is None or attachment.status in FINAL:
        return
    _set_status(attachment, FileStatus.FAILED, reason[:1000])
    log.warning("file %s failed: %s", attachment.file_key, reason)
    session.flush()


def postpone_processing(*, session: DbSession, attachment_id: uuid.UUID) -> None:
    """Back to pending while a retry waits (the scanner was unreachable)."""
    attachment = session.get(Attachment, attachment_id, with_for_update=True)
    if attachment is None or attachment.status in FINAL:
        return
    _set_status(attachment, FileStatus.PENDING)
    session.flush()


def sweep_stale(
    *, session: DbSession, stale_after: timedelta, max_attempts: int
) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """Find files stuck before ready: retry those with attempts left, fail the others.

    Stuck means in scanning or processing (a worker died or hung) or still pending (the
    queueing after commit was lost) for longer than ``stale_after``. Returns (to retry,
    failed); the caller queues the retries after commit.
    """
    cutoff = utcnow() - stale_after
    stuck = session.scalars(
        sa.select(Attachment)
        .where(
            Attachment.status.in_([s.value for s in (*IN_FLIGHT, FileStatus.PENDING)]),
            Attachment.status_changed_at < cutoff,
        )
        .order_by(Attachment.status_changed_at)
        .limit(500)
        .with_for_update(skip_locked=True)
    ).all()
    retry: list[uuid.UUID] = []
    failed: list[uuid.UUID] = []
    for attachment in stuck:
        if attachment.attempts >= max_attempts:
            _set_status(
                attachment,
                FileStatus.FAILED,
                f"Processing did not finish after {attachment.attempts} attempts.",
            )
            failed.append(attachment.id)
        else:
            # Re-stamp so the next sweep gives the retry its full time before judging it.
            _set_status(attachment, FileStatus.PENDING)
            retry.append(attachment.id)
    session.flush()
    return retry, failed
