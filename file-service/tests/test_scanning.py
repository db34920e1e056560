"""The clamd client against a real clamd, and what happens when clamd cannot answer."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from file_service.scanning import (
    SIZE_LIMIT_SIGNATURE,
    ClamdScanner,
    EicarOnlyScanner,
    ScannerUnavailable,
)
from hdms_common.testing.plugin import TestUser
from hdms_run.servers import ClamdServer, free_port

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(scope="module")
def small_clamd() -> Iterator[ClamdServer]:
    """A clamd whose StreamMaxLength is 1 MiB."""
    server = ClamdServer(stream_max_length="1M")
    server.start()
    yield server
    server.close()


def test_clamd_over_tcp_and_over_its_unix_socket_finds_eicar(
    clamd_server: Any, tmp_path: Path
) -> None:
    infected = tmp_path / "infected.txt"
    infected.write_bytes(b"hello " + EICAR + b" world")
    clean = tmp_path / "clean.txt"
    clean.write_bytes(b"nothing to see here\n" * 10_000)
    for address in (clamd_server.address, str(clamd_server.socket_path)):
        scanner = ClamdScanner(address, timeout=10)
        verdict = scanner.scan(infected)
        assert (verdict.clean, verdict.signature) == (False, "Eicar-Test-Signature.UNOFFICIAL")
        assert verdict.engine.startswith("ClamAV")
        assert scanner.scan(clean).clean is True


def test_a_file_over_the_stream_limit_is_never_clean(
    small_clamd: ClamdServer, tmp_path: Path
) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"harmless text\n" * 200_000)  # 2.8 MB > 1 MiB
    verdict = ClamdScanner(small_clamd.address, timeout=10).scan(big)
    assert verdict.clean is False
    assert verdict.signature == SIZE_LIMIT_SIGNATURE


def test_an_unreachable_clamd_is_an_error_not_a_verdict(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"x")
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(f"127.0.0.1:{free_port()}", timeout=2).scan(target)
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(str(tmp_path / "no.sock"), timeout=2).scan(target)


def test_a_clamd_that_answers_nonsense_is_an_error_not_a_verdict(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"x")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    import threading

    def serve() -> None:
        for _ in range(2):
            connection, _ = listener.accept()
            connection.recv(65536)
            connection.sendall(b"stream: who knows\0")
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with pytest.raises(ScannerUnavailable):
            ClamdScanner(f"127.0.0.1:{port}", timeout=2).scan(target)
    finally:
        thread.join(5)
        listener.close()


def test_the_embedded_scanner_finds_eicar_across_chunk_borders(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(b"a" * (64 * 1024 - 10) + EICAR)
    verdict = EicarOnlyScanner().scan(target)
    assert verdict.clean is False
    assert "EICAR-only" in verdict.engine
    target.write_bytes(b"a" * 200_000)
    assert EicarOnlyScanner().scan(target).clean is True


def test_a_file_is_retried_while_clamd_is_down_then_failed_never_clean(
    file_environ: dict[str, str],
    app: Flask,
    send_upload: Callable[..., Any],
    requestor: TestUser,
) -> None:
    from file_service import create_app
    from file_service.extensions import db
    from file_service.models import Attachment
    from file_service.pipeline import process_file

    key = send_upload(requestor, "notes.txt", b"meeting notes\n").get_json()["file_key"]
    down = create_app(environ={**file_environ, "CLAMD_ADDRESS": f"127.0.0.1:{free_port()}"})
    with app.app_context():
        attachment_id: uuid.UUID = db.session.scalar(
            db.select(Attachment.id).filter_by(file_key=key)
        )
        db.session.rollback()

    with pytest.raises(ScannerUnavailable):
        process_file(down, attachment_id, last_attempt=False)
    with app.app_context():
        row = db.session.scalar(db.select(Attachment).filter_by(file_key=key))
        assert (row.status, row.scan_result, row.attempts) == ("pending", None, 1)
        db.session.rollback()

    process_file(down, attachment_id, last_attempt=True)
    with app.app_context():
        row = db.session.scalar(db.select(Attachment).filter_by(file_key=key))
        assert row.status == "failed"
        assert "antivirus scan could not run" in row.failure_reason
        assert row.scan_result is None
        db.session.rollback()


def test_the_celery_task_retries_with_backoff_then_fails(
    file_environ: dict[str, str],
    worker_factory: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
    download: Callable[..., Any],
) -> None:
    worker = worker_factory(CLAMD_ADDRESS=f"127.0.0.1:{free_port()}", FILE_SCAN_MAX_ATTEMPTS="2")
    key = send_upload(requestor, "notes.txt", b"meeting notes\n").get_json()["file_key"]
    details = await_status(requestor, key, "failed", "ready", timeout=60)
    worker.stop()
    assert details["status"] == "failed"
    assert details["scan_result"] is None
    assert download(requestor, key).status_code == 409
