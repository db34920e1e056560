from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def client(auth_app: Flask) -> FlaskClient:
    return auth_app.test_client()


@pytest.fixture
def department(create_department: Any) -> Any:
    return create_department()


@pytest.fixture
def admin(create_user: Any, department: Any) -> Any:
    return create_user(roles={"admin": [department]}, department_id=department)


@pytest.fixture
def requestor(create_user: Any, department: Any) -> Any:
    return create_user(roles={"requestor": [department]}, department_id=department)


@pytest.fixture
def login(client: FlaskClient) -> Any:
    """``login(code, password)`` -> the response of POST /api/auth/login-hdms."""

    def post(code: str, password: str) -> Any:
        return client.post(
            "/api/auth/login-hdms", json={"employee_code": code, "password": password}
        )

    return post
