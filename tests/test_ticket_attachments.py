"""Attachments as ticket-service records them: listed, audited, announced, once per file.

file-service runs on a live port with the session's clamd; ticket-service calls it over HTTP
with the caller's token.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg2
import pytest
import requests
from flask import Flask

from hdms_common.testing.live import LiveServer
from hdms_common.testing.plugin import TestUser, migrate_database


@pytest.fixture(scope="module")
def apps(
    base_environ: dict[str, str],
    auth_service_url: str,
    clamd_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Flask, Flask]]:
    from file_service import create_app as create_file_app
    from file_service.extensions import db as file_db
    from ticket_service import create_app as create_ticket_app
    from ticket_service.extensions import db as ticket_db

    file_app = create_file_app(
        environ={
            **base_environ,
            "AUTH_SERVICE_URL": auth_service_url,
            "TICKET_SERVICE_URL": "http://127.0.0.1:9",
            "FILE_STORAGE_DIR": str(tmp_path_factory.mktemp("ticket-attachments")),
            "CLAMD_ADDRESS": clamd_server.address,
        }
    )
    migrate_database(file_app, file_db)
    file_server = LiveServer(file_app).start()
    ticket_app = create_ticket_app(
        environ={
            **base_environ,
            "AUTH_SERVICE_URL": auth_service_url,
            "FILE_SERVICE_URL": file_server.url,
        }
    )
    migrate_database(ticket_app, ticket_db)
    yield file_app, ticket_app
    file_server.stop()


def upload(file_app: Flask, user: TestUser, name: str, data: bytes) -> str:
    boundary = "ticket-attachments"
    disposition = f'form-data; name="file"; filename="{name}"'
    body = (
        f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = file_app.test_client().post(
        "/api/files/upload/",
        data=body,
        headers={**user.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["file_key"])


def test_attachments_are_listed_audited_announced_and_never_doubled(
    apps: tuple[Flask, Flask],
    create_department: Callable[..., uuid.UUID],
    create_user: Callable[..., TestUser],
    postgres_server: Any,
) -> None:
    file_app, ticket_app = apps
    department = create_department()
    requestor = create_user(roles={"requestor": [department]}, department_id=department)
    outsider = create_user(roles={"requestor": [department]}, department_id=department)
    client = ticket_app.test_client()
    ticket = client.post(
        "/api/tickets/",
        json={
            "title": "Scanner",
            "description": "Lines on every scan",
            "department_id": str(department),
        },
        headers=requestor.headers,
    ).get_json()
    url = f"/api/tickets/{ticket['id']}/attachments/"
    key = upload(file_app, requestor, "scan.txt", b"a scan with lines\n")

    added = client.post(url, json={"file_key": key}, headers=requestor.headers)
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["version"] == 2
    again = client.post(url, json={"file_key": key}, headers=requestor.headers)
    assert again.status_code == 409
    assert (
        client.post(url, json={"file_key": "no such key!"}, headers=requestor.headers).status_code
        == 422
    )
    assert client.post(url, json={"file_key": key}, headers=outsider.headers).status_code == 404

    listed = client.get(url, headers=requestor.headers).get_json()["items"]
    assert [(a["file_key"], a["name"], a["size"]) for a in listed] == [(key, "scan.txt", 18)]
    assert client.get(url, headers=outsider.headers).status_code == 404
    history = client.get(
        f"/api/tickets/{ticket['id']}/history?verify=1", headers=requestor.headers
    ).get_json()
    assert [r["action"] for r in history["items"]] == ["create", "attachment_added"]
    assert history["verification"]["ok"] is True
    connection = psycopg2.connect(postgres_server.url)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT payload FROM ticket_outbox WHERE event_type = 'ticket.attachment_added'"
                " AND payload->>'ticket_id' = %s",
                (ticket["id"],),
            )
            ((payload,),) = cursor.fetchall()
    finally:
        connection.close()
    assert payload["file_key"] == key
    assert payload["actor_id"] == str(requestor.id)

    cancelled = client.post(
        f"/api/tickets/{ticket['id']}/status",
        json={"action": "cancel", "version": 2},
        headers=requestor.headers,
    )
    assert cancelled.status_code == 200
    late = upload(file_app, requestor, "late.txt", b"too late\n")
    assert client.post(url, json={"file_key": late}, headers=requestor.headers).status_code == 409


def test_attachments_added_at_once_all_apply_and_a_retried_one_is_replayed(
    apps: tuple[Flask, Flask],
    create_department: Callable[..., uuid.UUID],
    create_user: Callable[..., TestUser],
    live_server_factory: Callable[[Any], LiveServer],
) -> None:
    """Adding a file sends no version, so concurrent additions queue on the ticket's row instead
    of failing with 412; an Idempotency-Key makes a retried addition answer as the first did."""
    file_app, ticket_app = apps
    department = create_department()
    requestor = create_user(roles={"requestor": [department]}, department_id=department)
    client = ticket_app.test_client()
    ticket = client.post(
        "/api/tickets/",
        json={"title": "Plotter", "description": "Smudges", "department_id": str(department)},
        headers=requestor.headers,
    ).get_json()
    keys = [upload(file_app, requestor, f"page-{i}.txt", f"page {i}\n".encode()) for i in range(6)]
    path = f"/api/tickets/{ticket['id']}/attachments/"
    url = f"{live_server_factory(ticket_app).url}{path}"
    barrier = threading.Barrier(len(keys))
    statuses: dict[str, int] = {}

    def attach(key: str) -> None:
        with requests.Session() as session:
            barrier.wait()
            response = session.post(url, json={"file_key": key}, headers=requestor.headers)
            statuses[key] = response.status_code

    threads = [threading.Thread(target=attach, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == dict.fromkeys(keys, 201)
    now = client.get(f"/api/tickets/{ticket['id']}", headers=requestor.headers).get_json()
    assert now["version"] == 1 + len(keys)
    assert sorted(a["file_key"] for a in now["attachments"]) == sorted(keys)
    history = client.get(
        f"/api/tickets/{ticket['id']}/history?verify=1", headers=requestor.headers
    ).get_json()
    assert history["verification"]["ok"] is True
    assert [r["action"] for r in history["items"]].count("attachment_added") == len(keys)

    retried = upload(file_app, requestor, "retried.txt", b"sent twice\n")
    headers = {**requestor.headers, "Idempotency-Key": "attach-retried"}
    first = client.post(path, json={"file_key": retried}, headers=headers)
    assert first.status_code == 201, first.get_json()
    again = client.post(path, json={"file_key": retried}, headers=headers)
    assert (again.status_code, again.get_json()) == (201, first.get_json())
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post(path, json={"file_key": keys[0]}, headers=headers)
    assert other.status_code == 422
    assert list(other.get_json()["errors"]) == ["headers.Idempotency-Key"]
    final = client.get(f"/api/tickets/{ticket['id']}", headers=requestor.headers).get_json()
    assert final["version"] == 2 + len(keys)
