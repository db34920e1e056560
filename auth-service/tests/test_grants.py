"""HDMS grants: admin-only, reflected in the next login's token, revocation locks out."""

from __future__ import annotations

import jwt


def test_admin_grants_a_role_that_appears_at_the_next_login(
    client, auth_app, admin, create_user, department, login
):
    employee = create_user(department_id=department)
    assert login(employee.employee_code, employee.password).status_code == 401
    granted = client.post(
        "/api/hdms/grant-access",
        json={
            "employee_id": str(employee.id),
            "roles": ["assignee"],
            "department_ids": [str(department)],
        },
        headers=admin.headers,
    )
    assert granted.status_code == 200
    assert granted.get_json()["hdms_roles"] == ["assignee"]
    tokens = login(employee.employee_code, employee.password).get_json()
    claims = jwt.decode(tokens["access"], auth_app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    assert claims["hdms_roles"] == ["assignee"]


def test_granting_twice_keeps_one_grant(client, admin, requestor, department):
    body = {
        "employee_id": str(requestor.id),
        "roles": ["requestor"],
        "department_ids": [str(department)],
    }
    response = client.post("/api/hdms/grant-access", json=body, headers=admin.headers)
    assert response.get_json()["grants"] == [
        {"role": "requestor", "department_id": str(department)}
    ]


def test_revoked_grant_is_refused_at_the_next_login_and_refresh(
    client, admin, requestor, department, login
):
    tokens = login(requestor.employee_code, requestor.password).get_json()
    revoked = client.delete(
        "/api/hdms/grant-access",
        json={
            "employee_id": str(requestor.id),
            "roles": ["requestor"],
            "department_ids": [str(department)],
        },
        headers=admin.headers,
    )
    assert revoked.status_code == 200 and revoked.get_json()["grants"] == []
    assert login(requestor.employee_code, requestor.password).status_code == 401
    assert client.post("/api/auth/refresh", json={"refresh": tokens["refresh"]}).status_code == 401


def test_only_admins_grant_or_revoke(client, create_user, department, requestor):
    moderator = create_user(roles={"moderator": [department]}, department_id=department)
    body = {
        "employee_id": str(requestor.id),
        "roles": ["admin"],
        "department_ids": [str(department)],
    }
    assert (
        client.post("/api/hdms/grant-access", json=body, headers=moderator.headers).status_code
        == 403
    )
    assert (
        client.delete("/api/hdms/grant-access", json=body, headers=moderator.headers).status_code
        == 403
    )
    assert client.get(f"/api/employees/{requestor.id}", headers=requestor.headers).get_json()[
        "hdms_roles"
    ] == ["requestor"]


def test_grant_with_unknown_role_or_department_is_422_and_changes_nothing(client, admin, requestor):
    import uuid

    for body in (
        {
            "employee_id": str(requestor.id),
            "roles": ["superuser"],
            "department_ids": [str(requestor.department_id)],
        },
        {
            "employee_id": str(requestor.id),
            "roles": ["admin"],
            "department_ids": [str(uuid.uuid4())],
        },
        {
            "employee_id": str(requestor.id),
            "roles": [],
            "department_ids": [str(requestor.department_id)],
        },
    ):
        response = client.post("/api/hdms/grant-access", json=body, headers=admin.headers)
        assert response.status_code == 422, body
    assert client.get(f"/api/employees/{requestor.id}", headers=admin.headers).get_json()[
        "hdms_roles"
    ] == ["requestor"]


def test_grant_for_unknown_employee_is_404(client, admin, department):
    import uuid

    body = {
        "employee_id": str(uuid.uuid4()),
        "roles": ["admin"],
        "department_ids": [str(department)],
    }
    assert (
        client.post("/api/hdms/grant-access", json=body, headers=admin.headers).status_code == 404
    )


def _grants(response):
    return sorted((g["role"], g["department_id"]) for g in response.get_json()["grants"])


def test_revoking_without_roles_or_departments_means_all_of_them(
    client, admin, create_user, create_department
):
    first, second = create_department(), create_department()
    employee = create_user(
        roles={"requestor": [first, second], "assignee": [first, second]}, department_id=first
    )
    base = {"employee_id": str(employee.id)}

    response = client.delete(
        "/api/hdms/grant-access", json={**base, "roles": ["assignee"]}, headers=admin.headers
    )
    assert response.status_code == 200, response.get_json()
    assert _grants(response) == sorted([("requestor", str(first)), ("requestor", str(second))])

    response = client.delete(
        "/api/hdms/grant-access",
        json={**base, "department_ids": [str(first)]},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.get_json()
    assert _grants(response) == [("requestor", str(second))]

    response = client.delete("/api/hdms/grant-access", json=base, headers=admin.headers)
    assert response.status_code == 200, response.get_json()
    assert _grants(response) == []


def test_granting_still_needs_roles_and_departments(client, admin, requestor):
    response = client.post(
        "/api/hdms/grant-access", json={"employee_id": str(requestor.id)}, headers=admin.headers
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"roles", "department_ids"}
