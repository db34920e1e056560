"""Attachments are file_keys the sender may use, checked at file-service (its real app, live)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from communication_service.extensions import db
from communication_service.models import ChatMessage
from hdms_common.clients import FileClient
from hdms_common.testing.live import LiveServer
from hdms_common.testing.plugin import migrate_database

from .conftest import closed_port_url


@pytest.fixture(scope="module")
def file_service(base_environ, auth_service_url, clamd_server, tmp_path_factory) -> Iterator:
    from file_service import create_app
    from file_service.extensions import db as file_db

    app = create_app(
        environ={
            **base_environ,
            "AUTH_SERVICE_URL": auth_service_url,
            "TICKET_SERVICE_URL": closed_port_url(),
            "FILE_STORAGE_DIR": str(tmp_path_factory.mktemp("chat-files")),
            "CLAMD_ADDRESS": clamd_server.address,
        }
    )
    migrate_database(app, file_db)
    with LiveServer(app) as server:
        yield app, server.url


@pytest.fixture
def via_file_service(app, file_service) -> Iterator:
    previous = app.extensions.get("hdms_file_client")
    app.extensions["hdms_file_client"] = FileClient(file_service[1])
    yield file_service[0]
    app.extensions["hdms_file_client"].session.close()
    if previous is None:
        app.extensions.pop("hdms_file_client")
    else:
        app.extensions["hdms_file_client"] = previous


def upload(file_app, user, name: str, data: bytes) -> str:
    boundary = "chat-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nticket\r\n'
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="file"; filename="{name}"\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = file_app.test_client().post(
        "/api/files/upload/",
        data=body,
        headers={**user.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 201, response.get_json().get("errors")
    return str(response.get_json()["file_key"])


def test_own_upload_is_attached_and_someone_elses_is_refused(
    via_file_service, app, client, user, open_ticket, department, post
):
    requestor, assignee = user(), user(roles={"assignee": [department]})
    ticket = open_ticket(requestor, assignee)
    mine = upload(via_file_service, requestor, "notes.txt", b"the printer log says E-42\n")
    theirs = upload(via_file_service, assignee, "other.txt", b"not yours\n")

    ok = post(ticket, requestor, "log attached", attachments=[mine])
    assert ok.status_code == 201, (ok.json, mine)
    assert ok.json["attachments"] == [mine]
    refused = post(ticket, requestor, "and this one", attachments=[theirs])
    assert refused.status_code == 422
    assert "attachments" in refused.json["errors"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ChatMessage)) == 1
