"""Processing queue: Celery on Redis db 2 in the stack, an in-process runner in the embedded mode.

Celery settings follow docs/pitfalls.md: tasks are idempotent (they re-read the row), so acks_late
with reject_on_worker_lost is safe; a killed worker's task is delivered again. Time limits
bound every run and the broker's visibility_timeout is above the hard limit so that a long
run is never handed to a second worker meanwhile. One task at a time per worker process.

Start a worker with ``celery -A file_service.tasks worker --pool=prefork -c 2`` (environment
as for the web app) and, for the periodic sweep, ``celery -A file_service.tasks beat``.
"""

from __future__ import annotations

import gc
import logging
import queue
import threading
import uuid
from datetime import timedelta

from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init
from flask import Flask

from file_service.config import load_file_settings
from file_service.extensions import db
from file_service.pipeline import process_file
from file_service.scanning import ScannerUnavailable
from file_service.services import processing

log = logging.getLogger(__name__)

SOFT_TIME_LIMIT = 15 * 60
TIME_LIMIT = SOFT_TIME_LIMIT + 60
VISIBILITY_TIMEOUT = TIME_LIMIT * 2
SWEEP_INTERVAL_SECONDS = 300
QUEUE = "file_service"

celery = Celery("file_service")
# Read when Celery first needs its configuration (a worker or beat starting), not at import.
celery.add_defaults(lambda: {"broker_url": load_file_settings().broker_url})
celery.conf.update(
    # The nameless default exchange routes by queue name alone: no binding keys in Redis that
    # a FLUSHDB (tests) or an evicting Redis could lose, silently dropping messages.
    task_default_queue=QUEUE,
    task_default_exchange="",
    task_default_routing_key=QUEUE,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_soft_time_limit=SOFT_TIME_LIMIT,
    task_time_limit=TIME_LIMIT,
    worker_prefetch_multiplier=1,
    broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
    broker_connection_retry_on_startup=True,
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    worker_hijack_root_logger=False,
    beat_schedule={
        "sweep-stale-files": {
            "task": "file_service.sweep_stale",
            "schedule": SWEEP_INTERVAL_SECONDS,
        }
    },
)


@worker_init.connect
def _share_pages_with_the_pool(**_: object) -> None:
    """Before the worker forks its pool: put every object imported so far out of the garbage
    collector's reach, so that a pool process's collections do not write to (and so copy)
    the pages it shares with the worker (docs/stack.md, "Processes and memory")."""
    gc.collect()
    gc.freeze()


_worker_app: Flask | None = None
_worker_lock = threading.Lock()


def _flask_app() -> Flask:
    """The Flask app tasks run in: the one configured in this process, or built from the env."""
    global _worker_app
    with _worker_lock:
        if _worker_app is None:
            from file_service import create_app

            _worker_app = create_app()
        return _worker_app


def bind_app(app: Flask) -> None:
    """Make ``app`` the one tasks of this process run in, and point Celery at its Redis."""
    global _worker_app
    _worker_app = app
    settings = app.config["HDMS_SETTINGS"]
    if settings.redis_url:
        celery.conf.broker_url = settings.broker_url


def _retry_countdown(retries: int) -> int:
    return int(min(300, 5 * 2 ** min(retries, 8)))


@celery.task(name="file_service.process", bind=True, max_retries=None)
def process_attachment(self: Task, attachment_id: str) -> None:
    """Scan and convert one file; clamd unreachable -> retried with backoff, then failed."""
    app = _flask_app()
    limits = app.extensions["hdms_file_limits"]
    last = self.request.retries + 1 >= limits.scan_max_attempts
    try:
        process_file(app, uuid.UUID(attachment_id), last_attempt=last)
    except ScannerUnavailable as exc:
        raise self.retry(countdown=_retry_countdown(self.request.retries), exc=exc) from exc
    except SoftTimeLimitExceeded:
        # A file that cannot be handled within the limit would fail the same way again.
        with app.app_context():
            processing.fail_processing(
                session=db.session,
                attachment_id=uuid.UUID(attachment_id),
                reason=f"Processing took longer than {SOFT_TIME_LIMIT} seconds.",
            )
            db.session.commit()


@celery.task(name="file_service.sweep_stale")
def sweep_stale_task() -> None:
    """Periodic: retry or fail files stuck before ready."""
    sweep_stale_files(_flask_app())


def sweep_stale_files(app: Flask) -> tuple[int, int]:
    """Run the sweep and queue the retries; returns (retried, failed)."""
    limits = app.extensions["hdms_file_limits"]
    with app.app_context():
        retry, failed = processing.sweep_stale(
            session=db.session,
            stale_after=timedelta(seconds=limits.stale_after_seconds),
            max_attempts=limits.max_processing_attempts,
        )
        db.session.commit()
    for attachment_id in retry:
        enqueue_processing(app, attachment_id)
    return len(retry), len(failed)


def enqueue_processing(app: Flask, attachment_id: uuid.UUID) -> None:
    """Queue a file's processing; call only after the row is committed.

    If the broker cannot take it now the file stays pending and the sweep queues it later.
    """
    runner: EmbeddedRunner | None = app.extensions.get("hdms_file_runner")
    if runner is not None:
        runner.submit(attachment_id)
        return
    if not app.config["HDMS_SETTINGS"].redis_url:
        log.warning("no queue for file %s yet: it waits for the embedded runner", attachment_id)
        return
    try:
        process_attachment.apply_async(
            args=[str(attachment_id)],
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
    except Exception as exc:  # noqa: BLE001 - any broker failure: the sweep catches up
        log.warning("could not queue file %s: %s", attachment_id, exc)


class EmbeddedRunner:
    """The embedded mode's queue: one background thread (a greenlet under gevent) that runs
    queued files in order, retrying unreachable scans with backoff, plus the periodic sweep.
    """

    def __init__(self, app: Flask, *, sweep_interval: float = SWEEP_INTERVAL_SECONDS) -> None:
        self.app = app
        self.jobs: queue.Queue[tuple[uuid.UUID, int]] = queue.Queue(maxsize=10_000)
        self.sweep_interval = sweep_interval
        self._stopped = threading.Event()

    def submit(self, attachment_id: uuid.UUID, attempt: int = 0) -> None:
        try:
            self.jobs.put_nowait((attachment_id, attempt))
        except queue.Full:
            log.warning("embedded queue full; file %s waits for the sweep", attachment_id)

    def start(self) -> EmbeddedRunner:
        threading.Thread(target=self._work, name="file-processing", daemon=True).start()
        threading.Thread(target=self._sweep, name="file-sweep", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopped.set()

    def _work(self) -> None:
        limits = self.app.extensions["hdms_file_limits"]
        while not self._stopped.is_set():
            try:
                attachment_id, attempt = self.jobs.get(timeout=0.5)
            except queue.Empty:
                continue
            last = attempt + 1 >= limits.scan_max_attempts
            try:
                process_file(self.app, attachment_id, last_attempt=last)
            except ScannerUnavailable:
                delay = _retry_countdown(attempt)
                timer = threading.Timer(delay, self.submit, args=(attachment_id, attempt + 1))
                timer.daemon = True
                timer.start()
            except Exception:
                log.exception("processing file %s failed", attachment_id)

    def _sweep(self) -> None:
        while not self._stopped.wait(self.sweep_interval):
            try:
                sweep_stale_files(self.app)
            except Exception:
                log.exception("file sweep failed")


def start_embedded(app: Flask) -> None:
    """Embedded mode: run processing in this process, pick up files left pending, and follow
    ticket events on the in-process bus."""
    from file_service.ticket_events import handle_ticket_event
    from hdms_common.events import embedded_bus

    runner = EmbeddedRunner(app).start()
    app.extensions["hdms_file_runner"] = runner
    embedded_bus().subscribe(lambda event: handle_ticket_event(app, event))
    with app.app_context():
        from file_service.models import Attachment, FileStatus

        pending = db.session.scalars(
            db.select(Attachment.id).where(
                Attachment.status.in_(
                    [
                        FileStatus.PENDING.value,
                        FileStatus.SCANNING.value,
                        FileStatus.PROCESSING.value,
                    ]
                )
            )
        ).all()
        db.session.rollback()
    for attachment_id in pending:
        runner.submit(attachment_id)
