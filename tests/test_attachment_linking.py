"""Attachments across services: files uploaded to file-service, linked to tickets by
ticket-service, and visible to the ticket's participants (and nobody else).

file-service and ticket-service run on live ports and call each other over HTTP, with the
session's auth-service, PostgreSQL, PgBouncer, Redis and clamd.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from hdms_common.testing.live import LiveServer
from hdms_common.testing.plugin import TestUser, migrate_database
from hdms_run.servers import free_port

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass
class Services:
    file_app: Flask
    ticket_app: Flask
    storage_dir: Path

    def upload(self, user: TestUser, name: str, data: bytes, **fields: str) -> str:
        response = self.post_upload(user, name, data, **fields)
        assert response.status_code == 201, response.get_json()
        key: str = response.get_json()["file_key"]
        return key

    def post_upload(self, user: TestUser, name: str, data: bytes, **fields: str) -> Any:
        boundary = "linking-boundary"
        parts = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        disposition = f'form-data; name="file"; filename="{name}"'
        parts += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
        parts += data + f"\r\n--{boundary}--\r\n".encode()
        return self.file_app.test_client().post(
            "/api/files/upload/",
            data=parts,
            headers={**user.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def files_of(self, user: TestUser) -> list[str]:
        """The keys of the files ``user`` uploaded, from file-service's table."""
        from file_service.extensions import db
        from file_service.models import Attachment

        with self.file_app.app_context():
            keys = db.session.scalars(
                sa.select(Attachment.file_key).filter_by(uploader_id=user.id)
            ).all()
            db.session.rollback()
        return list(keys)

    def stored_bytes(self) -> list[Path]:
        """Every file under file-service's storage folder (incoming, objects, quarantine)."""
        return sorted(p for p in self.storage_dir.rglob("*") if p.is_file())

    def file_status(self, user: TestUser, key: str) -> int:
        response = self.file_app.test_client().get(f"/api/files/{key}/", headers=user.headers)
        return response.status_code

    def tickets(self) -> Any:
        return self.ticket_app.test_client()

    def deliver_ticket_events(self) -> None:
        """ticket-service's outbox relay, then file-service's stream consumer, once each."""
        from file_service.ticket_events import consumer
        from ticket_service.background import publisher_for, run_once

        run_once(self.ticket_app, publisher_for(self.ticket_app), sweep=False)
        follower = consumer(self.file_app)
        follower.ensure_group()
        while follower.run_once(block_ms=100):
            pass


@pytest.fixture(scope="module")
def services(
    base_environ: dict[str, str],
    auth_service_url: str,
    clamd_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Services]:
    from file_service import create_app as create_file_app
    from file_service.extensions import db as file_db
    from ticket_service import create_app as create_ticket_app
    from ticket_service.extensions import db as ticket_db

    storage_dir = tmp_path_factory.mktemp("linking-files")
    file_port = free_port()
    ticket_app = create_ticket_app(
        environ={
            **base_environ,
            "AUTH_SERVICE_URL": auth_service_url,
            "FILE_SERVICE_URL": f"http://127.0.0.1:{file_port}",
        }
    )
    migrate_database(ticket_app, ticket_db)
    ticket_server = LiveServer(ticket_app).start()
    file_app = create_file_app(
        environ={
            **base_environ,
            "AUTH_SERVICE_URL": auth_service_url,
            "TICKET_SERVICE_URL": ticket_server.url,
            "FILE_STORAGE_DIR": str(storage_dir),
            "CLAMD_ADDRESS": clamd_server.address,
        }
    )
    migrate_database(file_app, file_db)
    file_server = make_server("127.0.0.1", file_port, file_app, threaded=True)
    thread = threading.Thread(target=file_server.serve_forever, daemon=True)
    thread.start()
    yield Services(file_app=file_app, ticket_app=ticket_app, storage_dir=storage_dir)
    file_server.shutdown()
    file_server.server_close()
    ticket_server.stop()


@dataclass
class People:
    department: uuid.UUID
    requestor: TestUser
    moderator: TestUser
    stranger: TestUser


@pytest.fixture
def people(
    create_department: Callable[..., uuid.UUID], create_user: Callable[..., TestUser]
) -> People:
    department = create_department()
    elsewhere = create_department()
    return People(
        department=department,
        requestor=create_user(roles={"requestor": [department]}, department_id=department),
        moderator=create_user(roles={"moderator": [department]}, department_id=department),
        stranger=create_user(roles={"requestor": [elsewhere]}, department_id=elsewhere),
    )


def _open_ticket(services: Services, people: People, attachments: list[str]) -> dict[str, Any]:
    response = services.tickets().post(
        "/api/tickets/",
        json={
            "title": "Printer jams on floor 3",
            "description": "Every second page jams since Monday.",
            "department_id": str(people.department),
            "attachments": attachments,
        },
        headers=people.requestor.headers,
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_a_ticket_created_with_a_file_shows_it_and_its_moderator_may_then_see_the_file(
    services: Services, people: People
) -> None:
    key = services.upload(people.requestor, "jam.txt", b"paper jam log\n")
    assert services.file_status(people.moderator, key) == 404

    ticket = _open_ticket(services, people, [key])

    assert [(a["file_key"], a["name"], a["size"]) for a in ticket["attachments"]] == [
        (key, "jam.txt", 14)
    ]
    services.deliver_ticket_events()
    assert services.file_status(people.moderator, key) == 200
    assert services.file_status(people.stranger, key) == 404


def test_a_file_attached_later_is_linked_and_visible_to_the_participants(
    services: Services, people: People
) -> None:
    ticket = _open_ticket(services, people, [])
    key = services.upload(people.requestor, "photo.txt", b"a photo, in words\n")

    response = services.tickets().post(
        f"/api/tickets/{ticket['id']}/attachments/",
        json={"file_key": key},
        headers=people.requestor.headers,
    )

    assert response.status_code == 201, response.get_json()
    assert [a["file_key"] for a in response.get_json()["attachments"]] == [key]
    services.deliver_ticket_events()
    assert services.file_status(people.moderator, key) == 200
    assert services.file_status(people.stranger, key) == 404


def test_a_file_uploaded_for_a_ticket_is_visible_to_whoever_can_see_the_ticket(
    services: Services, people: People
) -> None:
    ticket = _open_ticket(services, people, [])
    key = services.upload(people.requestor, "notes.txt", b"notes\n", ticket_id=ticket["id"])
    # No event needed: file-service asks ticket-service with the caller's own token.
    assert services.file_status(people.moderator, key) == 200
    assert services.file_status(people.stranger, key) == 404


def test_a_chat_file_records_its_purpose_and_ticket(services: Services, people: People) -> None:
    ticket = _open_ticket(services, people, [])
    response = services.post_upload(
        people.requestor,
        "notes.txt",
        b"printer on floor 3 jams\n",
        purpose="chat",
        ticket_id=ticket["id"],
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["purpose"], body["ticket_id"], body["content_type"]) == (
        "chat",
        ticket["id"],
        "text/plain",
    )


@pytest.mark.parametrize("purpose", ["ticket", "chat"])
def test_an_upload_naming_a_ticket_the_uploader_cannot_see_is_a_404_and_keeps_nothing(
    services: Services, people: People, purpose: str
) -> None:
    ticket = _open_ticket(services, people, [])
    before = services.stored_bytes()

    for ticket_id in (ticket["id"], str(uuid.uuid4())):
        response = services.post_upload(
            people.stranger, "planted.txt", b"read me\n", purpose=purpose, ticket_id=ticket_id
        )
        assert response.status_code == 404, response.get_json()
        assert response.content_type == "application/problem+json"
        assert "file_key" not in response.get_json()

    assert services.files_of(people.stranger) == []
    assert services.stored_bytes() == before


def test_a_strangers_file_cannot_be_attached(services: Services, people: People) -> None:
    ticket = _open_ticket(services, people, [])
    foreign = services.upload(people.stranger, "theirs.txt", b"not yours\n")

    attach = services.tickets().post(
        f"/api/tickets/{ticket['id']}/attachments/",
        json={"file_key": foreign},
        headers=people.requestor.headers,
    )
    create = services.tickets().post(
        "/api/tickets/",
        json={
            "title": "Borrowed file",
            "description": "Trying to attach someone else's file.",
            "department_id": str(people.department),
            "attachments": [foreign],
        },
        headers=people.requestor.headers,
    )

    assert attach.status_code == 422
    assert "file_key" in attach.get_json()["errors"]
    assert create.status_code == 422
    assert "attachments" in create.get_json()["errors"]
    ticket_now = services.tickets().get(
        f"/api/tickets/{ticket['id']}", headers=people.requestor.headers
    )
    assert ticket_now.get_json()["attachments"] == []


def test_an_infected_file_cannot_be_attached(services: Services, people: People) -> None:
    from file_service.extensions import db
    from file_service.models import Attachment
    from file_service.pipeline import process_file

    ticket = _open_ticket(services, people, [])
    key = services.upload(people.requestor, "invoice.txt", EICAR)
    with services.file_app.app_context():
        attachment_id = db.session.scalar(db.select(Attachment.id).filter_by(file_key=key))
        db.session.rollback()
    process_file(services.file_app, attachment_id, last_attempt=True)

    response = services.tickets().post(
        f"/api/tickets/{ticket['id']}/attachments/",
        json={"file_key": key},
        headers=people.requestor.headers,
    )

    assert response.status_code == 422
    assert "infected" in response.get_json()["errors"]["file_key"][0]
