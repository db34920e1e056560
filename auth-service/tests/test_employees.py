"""Employees and departments: admin writes, directory reads, validation that changes nothing."""

from __future__ import annotations

import uuid

import pytest

PROBLEM = "application/problem+json"


def _new_employee(department, **overrides):
    return {
        "employee_code": f"N{uuid.uuid4().hex[:6]}",
        "name": "New Person",
        "password": "long-enough-password",
        "department_id": str(department),
        **overrides,
    }


def _count_employees(client, admin):
    total, cursor = 0, None
    while True:
        url = "/api/employees/?limit=100" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url, headers=admin.headers).get_json()
        total += len(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            return total


def test_admin_creates_reads_updates_and_deactivates_an_employee(client, admin, department, login):
    created = client.post("/api/employees/", json=_new_employee(department), headers=admin.headers)
    assert created.status_code == 201
    employee = created.get_json()
    assert "password" not in employee and "password_hash" not in employee
    patched = client.patch(
        f"/api/employees/{employee['id']}", json={"name": "Renamed"}, headers=admin.headers
    )
    assert patched.status_code == 200 and patched.get_json()["name"] == "Renamed"
    assert (
        client.delete(f"/api/employees/{employee['id']}", headers=admin.headers).status_code == 204
    )
    fetched = client.get(f"/api/employees/{employee['id']}", headers=admin.headers).get_json()
    assert fetched["is_active"] is False


@pytest.mark.parametrize(
    ("method", "path_suffix", "body"),
    [("post", "", "new"), ("patch", "{id}", {"name": "X"}), ("delete", "{id}", None)],
)
def test_non_admins_cannot_write_employees(
    client, requestor, create_user, department, method, path_suffix, body
):
    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    target = create_user(roles={"requestor": [department]}, department_id=department)
    for user in (requestor, moderator):
        payload = _new_employee(department) if body == "new" else body
        response = getattr(client, method)(
            "/api/employees/" + path_suffix.format(id=target.id), json=payload, headers=user.headers
        )
        assert response.status_code == 403
        assert response.content_type == PROBLEM


PUBLIC_CARD = {"id", "employee_code", "name", "department_id", "is_active"}


def test_a_requestor_sees_public_cards_only_in_the_list_and_one_by_one(client, requestor, admin):
    listed = client.get(f"/api/employees/?q={admin.employee_code}", headers=requestor.headers)
    assert listed.status_code == 200
    [card] = listed.get_json()["items"]
    assert set(card) == PUBLIC_CARD and card["name"] == admin.name
    one = client.get(f"/api/employees/{admin.id}", headers=requestor.headers)
    assert one.status_code == 200
    assert set(one.get_json()) == PUBLIC_CARD


def test_admins_and_the_employee_themself_see_email_and_grants(client, requestor, admin):
    by_admin = client.get(f"/api/employees/{requestor.id}", headers=admin.headers).get_json()
    by_self = client.get(f"/api/employees/{requestor.id}", headers=requestor.headers).get_json()
    for body in (by_admin, by_self):
        assert {"email", "grants", "hdms_roles"} <= set(body)
        assert [g["role"] for g in body["grants"]] == ["requestor"]
    listed = client.get(
        f"/api/employees/?q={requestor.employee_code}", headers=admin.headers
    ).get_json()
    assert "grants" in listed["items"][0]


def test_unknown_employee_is_404_problem(client, admin):
    response = client.get(f"/api/employees/{uuid.uuid4()}", headers=admin.headers)
    assert response.status_code == 404 and response.content_type == PROBLEM


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": 42}, "name"),
        ({"employee_code": "has space"}, "employee_code"),
        ({"password": "short"}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"department_id": "not-a-uuid"}, "department_id"),
        ({"department_id": str(uuid.uuid4())}, "department_id"),
        ({"role": "admin"}, "role"),
        ({"name": "Ada\x00Lovelace"}, "name"),
    ],
)
def test_invalid_employee_is_422_and_nothing_is_created(
    client, admin, department, overrides, field
):
    before = _count_employees(client, admin)
    response = client.post(
        "/api/employees/", json=_new_employee(department, **overrides), headers=admin.headers
    )
    assert response.status_code == 422
    assert response.content_type == PROBLEM
    assert field in response.get_json()["errors"]
    assert _count_employees(client, admin) == before


def test_a_nul_character_in_a_search_is_422_not_a_database_error(client, admin):
    response = client.get("/api/employees/?q=ada%00", headers=admin.headers)
    assert response.status_code == 422
    assert response.content_type == PROBLEM
    assert "query.q" in response.get_json()["errors"]


def test_duplicate_employee_code_is_409_whatever_the_case(client, admin, department):
    body = _new_employee(department, employee_code="Dup01")
    assert client.post("/api/employees/", json=body, headers=admin.headers).status_code == 201
    again = client.post(
        "/api/employees/", json={**body, "employee_code": "DUP01"}, headers=admin.headers
    )
    assert again.status_code == 409
    assert "employee_code" in again.get_json()["errors"]


@pytest.mark.parametrize(
    ("raw", "status"),
    [("null", 422), ("[]", 422), ('"text"', 422), ("42", 422), ("false", 422), ("{not json", 400)],
)
def test_body_that_is_not_an_object_is_a_4xx_problem(client, admin, raw, status):
    response = client.post(
        "/api/employees/", data=raw, content_type="application/json", headers=admin.headers
    )
    assert response.status_code == status, response.get_json()
    assert response.content_type == PROBLEM


def test_deactivated_employee_can_no_longer_log_in_or_refresh(client, admin, requestor, login):
    tokens = login(requestor.employee_code, requestor.password).get_json()
    client.delete(f"/api/employees/{requestor.id}", headers=admin.headers)
    assert login(requestor.employee_code, requestor.password).status_code == 401
    assert client.post("/api/auth/refresh", json={"refresh": tokens["refresh"]}).status_code == 401


def test_moderator_finds_the_assignees_of_their_department(
    client, create_user, department, create_department
):
    other = create_department()
    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    mine = create_user(roles={"assignee": [department]}, department_id=department)
    create_user(roles={"assignee": [other]}, department_id=other)
    body = client.get(
        f"/api/employees/?role=assignee&role_department_id={department}", headers=moderator.headers
    ).get_json()
    assert [e["id"] for e in body["items"]] == [str(mine.id)]


def test_departments_are_readable_by_any_hdms_user_and_writable_by_admins(client, admin, requestor):
    created = client.post(
        "/api/departments/", json={"name": "Legal", "code": "LEGAL"}, headers=admin.headers
    )
    assert created.status_code == 201
    department_id = created.get_json()["id"]
    names = [
        d["name"]
        for d in client.get("/api/departments/?limit=100", headers=requestor.headers).get_json()[
            "items"
        ]
    ]
    assert "Legal" in names
    assert (
        client.get(f"/api/departments/{department_id}", headers=requestor.headers).status_code
        == 200
    )
    denied = client.post(
        "/api/departments/", json={"name": "X", "code": "X"}, headers=requestor.headers
    )
    assert denied.status_code == 403
    assert (
        client.patch(
            f"/api/departments/{department_id}", json={"is_active": False}, headers=admin.headers
        ).status_code
        == 200
    )
    names = [
        d["name"]
        for d in client.get("/api/departments/?limit=100", headers=requestor.headers).get_json()[
            "items"
        ]
    ]
    assert "Legal" not in names


def test_duplicate_department_name_is_409(client, admin):
    client.post("/api/departments/", json={"name": "Finance", "code": "FIN"}, headers=admin.headers)
    response = client.post(
        "/api/departments/", json={"name": "finance", "code": "FIN2"}, headers=admin.headers
    )
    assert response.status_code == 409
