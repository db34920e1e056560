"""File downloads through the gateway's nginx (X-Accel-Redirect) and from file-service itself:
one contract, checked the same way for both.

nginx runs the stack's template (nginx/hdms.conf.template) in front of a live file-service that
answers downloads with X-Accel-Redirect; the same file is also fetched from a file-service that
sends the bytes itself (as in the embedded mode), on the same storage.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from flask import Flask
from PIL import Image

from hdms_common.testing.downloads import (
    Fetched,
    assert_download_contract,
    from_requests,
    from_werkzeug,
)
from hdms_common.testing.live import LiveServer
from hdms_common.testing.plugin import TestUser, migrate_database
from hdms_run import gateway
from hdms_run.servers import NginxServer, free_port

TEXT = b"line of a log file that compresses well\n" * 200


@dataclass
class Downloads:
    behind_nginx: Flask
    serving_itself: Flask
    gateway_url: str

    def ready_file(self, user: TestUser, name: str, data: bytes) -> str:
        """Upload through nginx, then scan (the session's clamd) and convert in this process."""
        from file_service.extensions import db
        from file_service.models import Attachment
        from file_service.pipeline import process_file

        response = requests.post(
            f"{self.gateway_url}/api/files/upload/",
            headers=user.headers,
            files={"file": (name, data)},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        key: str = response.json()["file_key"]
        with self.behind_nginx.app_context():
            attachment_id = db.session.scalar(sa.select(Attachment.id).filter_by(file_key=key))
            db.session.rollback()
        process_file(self.behind_nginx, attachment_id, last_attempt=True)
        return key


@pytest.fixture(scope="module")
def downloads(
    base_environ: dict[str, str],
    auth_service_url: str,
    clamd_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Downloads]:
    from file_service import create_app
    from file_service.extensions import db

    storage = tmp_path_factory.mktemp("nginx-files")
    logs = tmp_path_factory.mktemp("nginx-logs")
    environ = {
        **base_environ,
        "AUTH_SERVICE_URL": auth_service_url,
        "TICKET_SERVICE_URL": "http://127.0.0.1:9",
        "FILE_STORAGE_DIR": str(storage),
        "CLAMD_ADDRESS": clamd_server.address,
    }
    behind_nginx = create_app(
        environ={**environ, "FILE_ACCEL_REDIRECT_PREFIX": gateway.ACCEL_PREFIX}
    )
    migrate_database(behind_nginx, db)
    serving_itself = create_app(environ=environ)
    file_server = LiveServer(behind_nginx).start()
    nowhere = f"127.0.0.1:{free_port()}"
    values = gateway.values_from_env(
        {
            "GATEWAY_LISTEN": "127.0.0.1:{listen_port}",
            "GATEWAY_WEB_ROOT": str(tmp_path_factory.mktemp("no-web")),
            "GATEWAY_ERROR_LOG": str(logs / "error.log"),
            "GATEWAY_ACCESS_LOG": str(logs / "access.log"),
            "AUTH_UPSTREAM": auth_service_url.removeprefix("http://"),
            "TICKET_UPSTREAM": nowhere,
            "COMMUNICATION_UPSTREAM": nowhere,
            "WEBSOCKET_UPSTREAM": nowhere,
            "FILE_UPSTREAM": file_server.url.removeprefix("http://"),
            "FILE_MAX_BYTES": str(1024 * 1024),
            "FILE_STORAGE_DIR": str(storage),
            "FILE_ACCEL_REDIRECT_PREFIX": gateway.ACCEL_PREFIX,
        }
    )
    nginx = NginxServer(gateway.render(values))
    nginx.start()
    yield Downloads(behind_nginx, serving_itself, nginx.url)
    nginx.close()
    file_server.stop()


@pytest.fixture
def requestor(
    create_department: Callable[..., Any], create_user: Callable[..., TestUser]
) -> TestUser:
    department = create_department()
    return create_user(roles={"requestor": [department]}, department_id=department)


def _fetcher(
    downloads: Downloads, served_by: str, user: TestUser, path: str
) -> Callable[[Mapping[str, str]], Fetched]:
    def through_nginx(headers: Mapping[str, str]) -> Fetched:
        response = requests.get(
            f"{downloads.gateway_url}{path}", headers={**user.headers, **headers}, timeout=30
        )
        return from_requests(response)

    def from_file_service(headers: Mapping[str, str]) -> Fetched:
        client = downloads.serving_itself.test_client()
        return from_werkzeug(client.get(path, headers={**user.headers, **headers}))

    return through_nginx if served_by == "nginx" else from_file_service


@pytest.mark.parametrize("served_by", ["nginx", "file-service"])
def test_a_download_is_the_same_whoever_sends_the_bytes(
    downloads: Downloads, requestor: TestUser, served_by: str
) -> None:
    key = downloads.ready_file(requestor, "Rapport été.txt", TEXT)
    assert_download_contract(
        _fetcher(downloads, served_by, requestor, f"/api/files/{key}/download/"),
        data=TEXT,
        etag=hashlib.sha256(TEXT).hexdigest(),
        content_type="text/plain",
        disposition=(
            "attachment; filename=\"Rapport ete.txt\"; filename*=UTF-8''Rapport%20%C3%A9t%C3%A9.txt"
        ),
    )


@pytest.mark.parametrize("served_by", ["nginx", "file-service"])
def test_a_variant_download_is_the_same_whoever_sends_the_bytes(
    downloads: Downloads, requestor: TestUser, served_by: str
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    key = downloads.ready_file(requestor, "screen.png", buffer.getvalue())
    webp = from_werkzeug(
        downloads.serving_itself.test_client().get(
            f"/api/files/{key}/download/?variant=webp", headers=requestor.headers
        )
    )
    assert webp.status == 200
    sha256 = hashlib.sha256(buffer.getvalue()).hexdigest()
    assert_download_contract(
        _fetcher(downloads, served_by, requestor, f"/api/files/{key}/download/?variant=webp"),
        data=webp.body,
        etag=f"{sha256}-webp",
        content_type="image/webp",
        disposition="inline; filename=\"screen.webp\"; filename*=UTF-8''screen.webp",
    )
