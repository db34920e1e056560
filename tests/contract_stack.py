"""Every HDMS service on the session's PostgreSQL, Redis and clamd, wired to each other over
real HTTP, and a caller that checks each answer against the service's own OpenAPI document.

Used by the contract tests (test_contract_responses.py, test_authorization_matrix.py). The
services' apps are the production ones in the stack mode; requests go through each app's WSGI
test client (the services still call each other over live HTTP), WebSockets through the live
communication-service.
"""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from openapi_spec_validator import validate as validate_document
from PIL import Image
from werkzeug.serving import make_server

from hdms_common.testing.plugin import TestUser, migrate_database
from hdms_run.servers import free_port

#: service -> the path segment of its OpenAPI document (/api/<segment>/openapi.json)
DOCUMENTS = {"auth": "auth", "ticket": "tickets", "communication": "chat", "file": "files"}
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    service: str
    method: str  # upper case
    path: str  # the documented template, e.g. /api/tickets/{ticket_id}
    secured: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


class Documents:
    """The four OpenAPI documents as served, their operations, and response checking."""

    def __init__(self, documents: dict[str, dict[str, Any]]) -> None:
        self.documents = documents
        self.operations: dict[str, Operation] = {}
        for service, document in documents.items():
            default_security = document.get("security", [])
            for path, item in document["paths"].items():
                for method in METHODS:
                    if method in item:
                        security = item[method].get("security", default_security)
                        operation = Operation(service, method.upper(), path, bool(security))
                        self.operations[operation.key] = operation

    def of(self, service: str) -> list[Operation]:
        return [op for op in self.operations.values() if op.service == service]

    def problems(self, operation: Operation, status: int, response: Any) -> list[str]:
        """How ``response`` disagrees with the document of ``operation`` (empty: it agrees)."""
        document = self.documents[operation.service]
        spec = document["paths"][operation.path][operation.method.lower()]
        documented = spec["responses"].get(str(status)) or spec["responses"].get("default")
        if documented is None:
            return [f"{operation.key}: status {status} is not documented"]
        while "$ref" in documented:
            documented = _pointer(document, documented["$ref"])
        content = documented.get("content") or {}
        if not content:
            if status != 204 and response.data and response.mimetype.endswith("json"):
                return [f"{operation.key} {status}: a JSON body where none is documented"]
            return []
        mimetype = response.mimetype
        if mimetype not in content:
            json_types = [t for t in content if t.endswith("json")]
            if mimetype.endswith("json") and json_types:
                mimetype = json_types[0]
            elif "application/octet-stream" in content or "*/*" in content:
                return []
            else:
                return [f"{operation.key} {status}: {response.mimetype} not in {list(content)}"]
        schema = content[mimetype].get("schema")
        if schema is None or not mimetype.endswith("json"):
            return []
        root = {"components": document.get("components", {}), "allOf": [schema]}
        validator = OAS30ReadValidator(root, format_checker=oas30_format_checker)
        body = json.loads(response.data)
        return [
            f"{operation.key} {status}: {'/'.join(str(p) for p in error.absolute_path)}: "
            f"{error.message[:300]}"
            for error in validator.iter_errors(body)
        ]


def _pointer(document: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return dict(node)


@dataclass
class Services:
    apps: dict[str, Flask]
    urls: dict[str, str]
    documents: Documents

    def client(self, service: str) -> Any:
        return self.apps[service].test_client()

    def deliver_events(self) -> None:
        """ticket-service's outbox relay once, then the other services' consumers to idle."""
        from communication_service.consumers.ticket_events import build_consumer
        from file_service.ticket_events import consumer as file_consumer
        from ticket_service.background import publisher_for, run_once

        run_once(self.apps["ticket"], publisher_for(self.apps["ticket"]), sweep=False)
        chat = build_consumer(self.apps["communication"], consumer="contract", claim_idle_ms=60_000)
        files = file_consumer(self.apps["file"])
        try:
            for follower in (chat, files):
                follower.ensure_group()
                while follower.run_once(block_ms=20):
                    pass
        finally:
            chat.client.close()

    def process_file(self, file_key: str) -> None:
        """Scan and convert an uploaded file now (what the Celery worker does)."""
        from file_service.extensions import db
        from file_service.models import Attachment
        from file_service.pipeline import process_file

        app = self.apps["file"]
        with app.app_context():
            attachment_id = db.session.scalar(
                db.select(Attachment.id).where(Attachment.file_key == file_key)
            )
        process_file(app, attachment_id, last_attempt=True)


@pytest.fixture(scope="module", name="services")
def services_fixture(
    base_environ: dict[str, str],
    auth_app: Flask,
    auth_service_url: str,
    clamd_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Services]:
    from communication_service import create_app as create_communication_app
    from communication_service.extensions import db as communication_db
    from file_service import create_app as create_file_app
    from file_service.extensions import db as file_db
    from ticket_service import create_app as create_ticket_app
    from ticket_service.extensions import db as ticket_db

    ports = {name: free_port() for name in ("ticket", "file", "communication")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    urls["auth"] = auth_service_url
    wiring = {
        **base_environ,
        "AUTH_SERVICE_URL": urls["auth"],
        "TICKET_SERVICE_URL": urls["ticket"],
        "FILE_SERVICE_URL": urls["file"],
    }
    apps: dict[str, Flask] = {"auth": auth_app}
    apps["ticket"] = create_ticket_app(environ=wiring)
    migrate_database(apps["ticket"], ticket_db)
    apps["file"] = create_file_app(
        environ={
            **wiring,
            "FILE_STORAGE_DIR": str(tmp_path_factory.mktemp("contract-files")),
            "CLAMD_ADDRESS": clamd_server.address,
        }
    )
    migrate_database(apps["file"], file_db)
    apps["communication"] = create_communication_app(
        environ={**wiring, "COMMUNICATION_WS_AUTH_TIMEOUT": "2"}
    )
    migrate_database(apps["communication"], communication_db)
    servers = [_Server(apps[name], ports[name]) for name in ("ticket", "file", "communication")]
    documents = {}
    for name, segment in DOCUMENTS.items():
        document = apps[name].test_client().get(f"/api/{segment}/openapi.json").get_json()
        validate_document(document)
        documents[name] = document
    yield Services(apps=apps, urls=urls, documents=Documents(documents))
    for server in servers:
        server.stop()


class _Server:
    """A threaded WSGI server on a port chosen beforehand (the services point at each other)."""

    def __init__(self, app: Flask, port: int) -> None:
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- the people and objects of a test -------------------------------------------------------


@dataclass
class Recorded:
    operation: Operation
    status: int
    problems: list[str]


@dataclass
class Caller:
    """Sends a request to the operation's service and checks the answer against its document."""

    services: Services
    recorded: list[Recorded] = field(default_factory=list)

    def __call__(
        self,
        key: str,
        user: TestUser | None = None,
        *,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        json_body: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        content_type: str | None = None,
    ) -> Any:
        operation = self.services.documents.operations[key]
        path = operation.path
        for name, value in (params or {}).items():
            path = path.replace("{" + name + "}", str(value))
        assert "{" not in path, f"{key}: a path parameter is missing"
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        elif user is not None:
            sent.update(user.headers)
        client = self.services.client(operation.service)
        response = client.open(
            path,
            method=operation.method,
            query_string=query,
            json=json_body,
            data=data,
            headers=sent,
            content_type=content_type,
        )
        response.get_data()
        response.close()  # a streamed download holds its file open until closed
        problems = self.services.documents.problems(operation, response.status_code, response)
        self.recorded.append(Recorded(operation, response.status_code, problems))
        return response

    def problems(self) -> list[str]:
        return [p for r in self.recorded for p in r.problems]

    def succeeded(self) -> set[str]:
        return {r.operation.key for r in self.recorded if 200 <= r.status < 300}


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "contract-boundary"
    parts = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    disposition = f'form-data; name="file"; filename="{name}"'
    parts += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode()
    parts += data + f"\r\n--{boundary}--\r\n".encode()
    return parts, f"multipart/form-data; boundary={boundary}"


@dataclass
class World:
    """Two departments and their people, with tickets, sub-tickets, approvals, files, chat and
    notifications made through the real operations."""

    services: Services
    call: Caller
    create_user: Callable[..., TestUser]
    create_department: Callable[..., uuid.UUID]
    own_department: uuid.UUID = field(init=False)
    other_department: uuid.UUID = field(init=False)
    people: dict[str, TestUser] = field(init=False)

    #: Who the world can hold: name -> (in the other department, roles there). Made on
    #: first use: a real employee costs a password hash.
    CAST = {
        "requestor": (False, ("requestor",)),
        "moderator": (False, ("moderator",)),
        "assignee": (False, ("assignee",)),
        "admin": (False, ("admin",)),
        "second_assignee": (False, ("assignee",)),
        "approver": (False, ("requestor",)),
        "other_requestor": (True, ("requestor",)),
        "other_moderator": (True, ("moderator",)),
        "other_assignee": (True, ("assignee",)),
    }

    def __post_init__(self) -> None:
        self.own_department = self.create_department()
        self.other_department = self.create_department()
        self.people = {}

    def _user(self, department: uuid.UUID | None = None, **roles: list[uuid.UUID]) -> TestUser:
        return self.create_user(roles=roles, department_id=department or self.own_department)

    def __getitem__(self, name: str) -> TestUser:
        if name not in self.people:
            other, roles = self.CAST[name]
            department = self.other_department if other else self.own_department
            self.people[name] = self._user(department, **{r: [department] for r in roles})
        return self.people[name]

    # tickets --------------------------------------------------------------------------------

    def ticket(self, state: str = "new", *, other: bool = False) -> dict[str, Any]:
        """A ticket driven through the API into ``state`` (own department, or the other)."""
        prefix = "other_" if other else ""
        requestor, moderator = self[prefix + "requestor"], self[prefix + "moderator"]
        assignee = self[prefix + "assignee"]
        department = self.other_department if other else self.own_department
        response = self.call(
            "POST /api/tickets/",
            requestor,
            json_body={
                "title": "Printer jams",
                "description": "Every second page jams.",
                "department_id": str(department),
                "priority": "high",
                "category": "hardware",
            },
        )
        assert response.status_code == 201, response.get_json()
        ticket: dict[str, Any] = response.get_json()
        later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
        assign = ("assign", moderator, {"assignee_id": str(assignee.id)})
        work = [assign, ("acknowledge", assignee, {})]
        plans: dict[str, list[tuple[str, TestUser, dict[str, Any]]]] = {
            "new": [],
            "assigned": [assign],
            "in_progress": work,
            "postponed": [assign, ("postpone", moderator, {"reason": "Parts", "resume_at": later})],
            "waiting_approval": [
                *work,
                (
                    "request_approval",
                    assignee,
                    {"approver_ids": [str(self["approver"].id)]},
                ),
            ],
            "resolved": [*work, ("resolve", assignee, {"resolution_note": "New drum"})],
        }
        for action, user, payload in plans[state]:
            ticket = self.act(ticket, action, user, **payload)
        return ticket

    def act(self, ticket: dict[str, Any], action: str, user: TestUser, **payload: Any) -> Any:
        response = self.call(
            "POST /api/tickets/{ticket_id}/status",
            user,
            params={"ticket_id": ticket["id"]},
            json_body={"action": action, "version": ticket["version"], **payload},
        )
        assert response.status_code == 200, (action, response.get_json())
        return response.get_json()

    def sub_ticket(self, ticket: dict[str, Any], *, other: bool = False) -> dict[str, Any]:
        prefix = "other_" if other else ""
        response = self.call(
            "POST /api/tickets/{ticket_id}/sub-tickets/",
            self[prefix + "moderator"],
            params={"ticket_id": ticket["id"]},
            json_body={
                "title": "Order a drum",
                "department_id": str(self.other_department if other else self.own_department),
                "assignee_id": str(self[prefix + "assignee"].id),
            },
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()  # type: ignore[no-any-return]

    def approval(self, ticket: dict[str, Any]) -> dict[str, Any]:
        """The pending round of a ticket in waiting_approval."""
        response = self.call(
            "GET /api/tickets/{ticket_id}/approvals/",
            self["admin"],
            params={"ticket_id": ticket["id"]},
        )
        (pending,) = [r for r in response.get_json()["items"] if r["status"] == "pending"]
        return pending  # type: ignore[no-any-return]

    # files, chat, notifications ----------------------------------------------------------------

    def upload(self, user: TestUser, ticket_id: str | None = None, ready: bool = False) -> str:
        fields = {"purpose": "ticket"}
        if ticket_id:
            fields["ticket_id"] = ticket_id
        body, content_type = multipart(fields, "photo.png", png_bytes())
        response = self.call("POST /api/files/upload/", user, data=body, content_type=content_type)
        assert response.status_code == 201, response.get_json()
        key: str = response.get_json()["file_key"]
        if ready:
            self.services.process_file(key)
        return key

    def message(self, ticket: dict[str, Any], user: TestUser, body: str = "Any news?") -> Any:
        response = self.call(
            "POST /api/chat/{ticket_id}/messages/",
            user,
            params={"ticket_id": ticket["id"]},
            json_body={"body": body, "client_msg_id": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def notification(self, user: TestUser) -> str:
        """A stored notification of ``user`` (what a ticket event leaves behind)."""
        from communication_service.extensions import db
        from communication_service.services.notifications import create_notification

        with self.services.apps["communication"].app_context():
            stored = create_notification(
                session=db.session, user_id=user.id, type="ticket_assigned", title="Assigned"
            )
            db.session.commit()
            return str(stored.id)
