"""Every service answers 503 problem+json with Retry-After while its database is down, and
serves again by itself once the database is back, without a restart (docs/api.md, "Errors").

The services run on a PostgreSQL of their own, stopped and started again by the test; each has
served a request first, so its pool holds connections that the outage kills.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from hdms_common.testing.plugin import make_token_user
from hdms_run.servers import PostgresServer

RECOVERY_SECONDS = 5.0
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105fe0d0a2d0000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def outage_apps(
    own_postgres: PostgresServer,
    base_environ: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Flask]:
    from flask_migrate import upgrade

    from auth_service import create_app as create_auth_app
    from communication_service import create_app as create_communication_app
    from file_service import create_app as create_file_app
    from ticket_service import create_app as create_ticket_app

    environ = {k: v for k, v in base_environ.items() if k not in ("PGBOUNCER_URL", "DATABASE_URL")}
    environ.update(
        DATABASE_URL=own_postgres.url,
        AUTH_SERVICE_URL="http://127.0.0.1:9",
        TICKET_SERVICE_URL="http://127.0.0.1:9",
        FILE_SERVICE_URL="http://127.0.0.1:9",
        FILE_STORAGE_DIR=str(tmp_path_factory.mktemp("outage-files")),
        # Scanning happens after the upload, in a worker this test does not run.
        CLAMD_ADDRESS="127.0.0.1:9",
    )
    factories = {
        "auth": create_auth_app,
        "ticket": create_ticket_app,
        "communication": create_communication_app,
        "file": create_file_app,
    }
    built: dict[str, Flask] = {}
    for name, factory in factories.items():
        app = factory(environ=environ)
        with app.app_context():
            upgrade()
        built[name] = app
    return built


def _admin(auth_app: Flask) -> Any:
    """An admin employee of the outage database, with a token auth-service issued."""
    from auth_service.extensions import db
    from auth_service.services.departments import create_department
    from auth_service.services.employees import create_employee, grant_access
    from auth_service.services.tokens import issue_tokens

    with auth_app.app_context():
        department = create_department(session=db.session, data={"name": "Ops", "code": "OPS"})
        employee = create_employee(
            session=db.session,
            data={"employee_code": "OUT001", "name": "Outage Admin", "password": "pw-123456789"},
        )
        grant_access(
            session=db.session,
            employee_id=employee.id,
            roles=["admin", "requestor"],
            department_ids=[department.id],
            granted_by=None,
        )
        pair = issue_tokens(
            session=db.session,
            employee=employee,
            refresh_lifetime=auth_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
        )
        db.session.commit()
        return {"Authorization": f"Bearer {pair.access}"}


def _requests(apps: dict[str, Flask], jwt_secret: str) -> dict[str, Any]:
    """One request per service that reads and writes its database and answers 2xx."""
    admin = _admin(apps["auth"])
    user = make_token_user(jwt_secret, roles={"requestor": [uuid.uuid4()]}).headers

    def auth() -> Any:
        return apps["auth"].test_client().get("/api/departments/", headers=admin)

    def ticket() -> Any:
        return apps["ticket"].test_client().get("/api/tickets/", headers=user)

    def communication() -> Any:
        return apps["communication"].test_client().get("/api/notifications/", headers=user)

    def file() -> Any:
        return (
            apps["file"]
            .test_client()
            .post(
                "/api/files/upload/",
                data={"file": (_png(), "dot.png", "image/png")},
                headers=user,
                content_type="multipart/form-data",
            )
        )

    return {"auth": auth, "ticket": ticket, "communication": communication, "file": file}


def _png() -> Any:
    import io

    return io.BytesIO(PNG)


def test_every_service_answers_503_while_its_database_is_down_then_recovers(
    own_postgres: PostgresServer, outage_apps: dict[str, Flask], jwt_secret: str
) -> None:
    requests = _requests(outage_apps, jwt_secret)
    for name, send in requests.items():
        response = send()
        assert 200 <= response.status_code < 300, (name, response.get_json())

    own_postgres.stop()
    try:
        for name, send in requests.items():
            response = send()
            assert response.status_code == 503, (name, response.get_data(as_text=True)[:300])
            assert response.mimetype == "application/problem+json", name
            assert response.headers.get("Retry-After", "").isdigit(), name
            assert response.get_json()["status"] == 503
    finally:
        own_postgres.start()

    back = time.monotonic()
    for name, send in requests.items():
        while True:
            response = send()
            if 200 <= response.status_code < 300:
                break
            assert time.monotonic() - back < RECOVERY_SECONDS, (name, response.status_code)
            time.sleep(0.2)
