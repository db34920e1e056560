"""file-service fixtures: the app on the session's PostgreSQL, Redis and clamd, a real Celery
worker process, users from auth-service, and makers of real media files.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image

from hdms_common.testing.plugin import TestUser, migrate_database

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def storage_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("file-storage")


@pytest.fixture(autouse=True)
def _empty_storage(storage_dir: Path) -> Iterator[None]:
    """After each test the stored bytes go, like the rows (the plugin truncates the tables)."""
    yield
    for folder in storage_dir.iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)
            folder.mkdir()


@pytest.fixture(scope="session")
def file_environ(
    base_environ: dict[str, str], auth_service_url: str, clamd_server: Any, storage_dir: Path
) -> dict[str, str]:
    """The environment of the file-service app and of its Celery workers."""
    return {
        **base_environ,
        "AUTH_SERVICE_URL": auth_service_url,
        # No ticket-service in these tests: a file with a ticket is visible to its uploader
        # and admins only, and a call to this closed port would be a 503.
        "TICKET_SERVICE_URL": "http://127.0.0.1:9",
        "FILE_STORAGE_DIR": str(storage_dir),
        "CLAMD_ADDRESS": clamd_server.address,
        "FILE_SCAN_MAX_ATTEMPTS": "2",
    }


@pytest.fixture(scope="session")
def app(file_environ: dict[str, str]) -> Flask:
    from file_service import create_app
    from file_service.extensions import db

    application = create_app(environ=file_environ)
    migrate_database(application, db)
    return application


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()


class Worker:
    """A real ``celery worker`` process for file_service.tasks."""

    def __init__(self, environ: dict[str, str], pool: str = "solo") -> None:
        env = {**os.environ, **environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "file_service.tasks",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--loglevel=WARNING",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            env=env,
            cwd=REPO,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the whole worker (its children too), as a crash or an OOM kill would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="session")
def worker_factory(file_environ: dict[str, str]) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(pool: str = "solo", **extra: str) -> Worker:
        worker = Worker({**file_environ, **extra}, pool=pool)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture(scope="module")
def worker(worker_factory: Callable[..., Worker], app: Flask) -> Iterator[Worker]:
    """A worker for the tests of one module; modules without it see files stay pending."""
    started = worker_factory()
    yield started
    started.stop()


@pytest.fixture
def requestor(
    create_department: Callable[..., uuid.UUID], create_user: Callable[..., TestUser]
) -> TestUser:
    department = create_department()
    return create_user(roles={"requestor": [department]}, department_id=department)


@pytest.fixture
def stranger(
    create_department: Callable[..., uuid.UUID], create_user: Callable[..., TestUser]
) -> TestUser:
    department = create_department()
    return create_user(roles={"requestor": [department]}, department_id=department)


@pytest.fixture
def admin(
    create_department: Callable[..., uuid.UUID], create_user: Callable[..., TestUser]
) -> TestUser:
    department = create_department()
    return create_user(roles={"admin": [department]}, department_id=department)


def multipart_body(
    parts: list[tuple[str, str | None, bytes, str | None]], boundary: str = "hdms-test-boundary"
) -> tuple[bytes, str]:
    """Encode (field, filename, data, content type) parts; returns the body and its type."""
    chunks: list[bytes] = []
    for name, filename, data, part_type in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if part_type:
            head += f"Content-Type: {part_type}\r\n"
        chunks.append(head.encode() + b"\r\n" + data + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def upload(
    client: Any,
    user: TestUser,
    name: str,
    data: bytes,
    *,
    content_type: str = "application/octet-stream",
    fields: dict[str, str] | None = None,
    field: str = "file",
    headers: dict[str, str] | None = None,
) -> Any:
    """POST a multipart upload through the Flask test client (body built in memory)."""
    parts: list[tuple[str, str | None, bytes, str | None]] = [
        (key, None, value.encode(), None) for key, value in (fields or {}).items()
    ]
    parts.append((field, name, data, content_type))
    body, body_type = multipart_body(parts)
    return client.post(
        "/api/files/upload/",
        data=body,
        headers={**user.headers, **(headers or {}), "Content-Type": body_type},
    )


def wait_for_status(
    client: Any, user: TestUser, file_key: str, statuses: set[str], timeout: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = client.get(f"/api/files/{file_key}/", headers=user.headers).get_json()
        if body.get("status") in statuses:
            return body
        time.sleep(0.1)
    raise AssertionError(f"file {file_key} stayed {body.get('status')}, wanted {statuses}")


def stored_files(storage_dir: Path) -> list[Path]:
    """Every file in storage (incoming, objects, quarantine)."""
    return sorted(p for p in storage_dir.rglob("*") if p.is_file())


def attachment_count(app: Flask) -> int:
    from file_service.extensions import db
    from file_service.models import Attachment

    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))
        db.session.rollback()
        return int(count or 0)


# --- media makers -----------------------------------------------------------------------


def png_bytes(
    size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def video_bytes(
    seconds: float = 1.0,
    *,
    audio: bool = True,
    size: tuple[int, int] = (160, 120),
    fmt: str = "matroska",
) -> bytes:
    """A short synthetic video (MPEG-4 Part 2 + MP2 audio in Matroska): not web-ready."""
    buffer = io.BytesIO()
    rate = 25
    with av.open(buffer, "w", format=fmt) as container:
        video = container.add_stream("mpeg4", rate=rate)
        video.width, video.height, video.pix_fmt = size[0], size[1], "yuv420p"
        sound = None
        if audio:
            sound = container.add_stream("mp2", rate=44_100)
            sound.layout = "stereo"
        frames = int(seconds * rate)
        for index in range(frames):
            image = Image.new("RGB", size, (index * 9 % 256, 80, 255 - index * 9 % 256))
            frame = av.VideoFrame.from_image(image)
            frame.pts = index
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        if sound is not None:
            samples_per_frame = 1152
            total = int(seconds * 44_100)
            pts = 0
            while pts < total:
                frame = av.AudioFrame(format="s16", layout="stereo", samples=samples_per_frame)
                frame.planes[0].update(bytes(samples_per_frame * 4))
                frame.sample_rate = 44_100
                frame.pts = pts
                frame.time_base = Fraction(1, 44_100)
                pts += samples_per_frame
                for packet in sound.encode(frame):
                    container.mux(packet)
            for packet in sound.encode():
                container.mux(packet)
    return buffer.getvalue()


# --- the same, as fixtures for the tests ---------------------------------------------------


@pytest.fixture
def send_upload(client: Any) -> Callable[..., Any]:
    """``send_upload(user, name, data, fields=..., field=..., headers=...)`` via the test client."""

    def send(user: TestUser, name: str, data: bytes, **kwargs: Any) -> Any:
        return upload(client, user, name, data, **kwargs)

    return send


@pytest.fixture
def await_status(client: Any) -> Callable[..., dict[str, Any]]:
    def wait(user: TestUser, file_key: str, *statuses: str, timeout: float = 60) -> dict[str, Any]:
        return wait_for_status(client, user, file_key, set(statuses), timeout)

    return wait


@pytest.fixture
def files_on_disk(storage_dir: Path) -> Callable[[], list[Path]]:
    return lambda: stored_files(storage_dir)


@pytest.fixture
def count_attachments(app: Flask) -> Callable[[], int]:
    return lambda: attachment_count(app)


@pytest.fixture
def make_png() -> Callable[..., bytes]:
    return png_bytes


@pytest.fixture
def make_video() -> Callable[..., bytes]:
    return video_bytes


@pytest.fixture
def download(client: Any) -> Callable[..., Any]:
    """``download(user, key, variant=None, headers=None)``: the response, body read and closed."""

    def fetch(
        user: TestUser,
        file_key: str,
        variant: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        query = f"?variant={variant}" if variant else ""
        response = client.get(
            f"/api/files/{file_key}/download/{query}", headers={**user.headers, **(headers or {})}
        )
        response.get_data()
        response.close()
        return response

    return fetch


@pytest.fixture
def ready_file(app: Flask, client: Any) -> Callable[..., str]:
    """``ready_file(user, name, data)``: upload, then scan and convert in this process (the
    same pipeline the worker runs, with the real clamd); returns the file_key."""
    from file_service.extensions import db
    from file_service.models import Attachment
    from file_service.pipeline import process_file

    def make(user: TestUser, name: str, data: bytes) -> str:
        response = upload(client, user, name, data)
        assert response.status_code == 201, response.get_json()
        key: str = response.get_json()["file_key"]
        with app.app_context():
            attachment_id = db.session.scalar(sa.select(Attachment.id).filter_by(file_key=key))
            db.session.rollback()
        process_file(app, attachment_id, last_attempt=True)
        return key

    return make
