"""Fixtures every suite of the repository shares that need a real auth-service.

Users and departments are created through auth-service's own operations in its own tables, and
auth-service is served on a live port, so the other services check grants and departments over
its real HTTP API exactly as in production.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from hdms_common.testing.live import LiveServer
from hdms_common.testing.plugin import TestUser, migrate_database

_counter = itertools.count(1)
DEFAULT_PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def auth_app(base_environ: dict[str, str]) -> Flask:
    """auth-service on the session's PostgreSQL (directly, as docs/architecture.md allows)."""
    from auth_service import create_app
    from auth_service.extensions import db

    app = create_app(environ=base_environ)
    migrate_database(app, db)
    return app


@pytest.fixture(scope="session")
def auth_service_url(auth_app: Flask) -> Any:
    """auth-service on a live loopback port for the whole session."""
    server = LiveServer(auth_app).start()
    yield server.url
    server.stop()


@pytest.fixture
def create_department(auth_app: Flask) -> Callable[..., uuid.UUID]:
    """``create_department(name=None)`` -> the id of a new active department."""
    from auth_service.extensions import db
    from auth_service.services.departments import create_department as create

    def factory(name: str | None = None, code: str | None = None) -> uuid.UUID:
        number = next(_counter)
        with auth_app.app_context():
            department = create(
                session=db.session,
                data={"name": name or f"Department {number}", "code": code or f"D{number}"},
            )
            db.session.commit()
            return department.id

    return factory


@pytest.fixture
def create_user(auth_app: Flask) -> Callable[..., TestUser]:
    """``create_user(roles={"moderator": [dept]}, department_id=dept)`` -> a real employee.

    The token is issued by auth-service itself, so it carries exactly the claims a login gives.
    """
    from auth_service.extensions import db
    from auth_service.services.employees import create_employee, grant_access
    from auth_service.services.tokens import issue_tokens

    def factory(
        *,
        roles: dict[str, list[uuid.UUID]] | None = None,
        department_id: uuid.UUID | None = None,
        name: str | None = None,
        password: str = DEFAULT_PASSWORD,
        employee_code: str | None = None,
    ) -> TestUser:
        number = next(_counter)
        with auth_app.app_context():
            employee = create_employee(
                session=db.session,
                data={
                    "employee_code": employee_code or f"T{number:05d}",
                    "name": name or f"Test Employee {number}",
                    "password": password,
                    "department_id": department_id,
                },
            )
            for role, departments in (roles or {}).items():
                grant_access(
                    session=db.session,
                    employee_id=employee.id,
                    roles=[role],
                    department_ids=departments,
                    granted_by=None,
                )
            pair = issue_tokens(
                session=db.session,
                employee=employee,
                refresh_lifetime=auth_app.config["JWT_REFRESH_TOKEN_EXPIRES"],
            )
            db.session.commit()
            return TestUser(
                id=employee.id,
                employee_code=employee.employee_code,
                name=employee.name,
                department_id=employee.department_id,
                grants=employee.grant_pairs,
                token=pair.access,
                password=password,
            )

    return factory
