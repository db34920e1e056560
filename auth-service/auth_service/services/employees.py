"""Employees and their HDMS grants."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from auth_service.models import Department, Employee, HdmsGrant
from auth_service.services.access import revoke_issued_access_tokens
from auth_service.services.passwords import MIN_PASSWORD_LENGTH, hash_password
from auth_service.services.tokens import revoke_employee_tokens
from hdms_common.db import DbSession
from hdms_common.errors import Conflict, Invalid, NotFound
from hdms_common.pagination import Page, keyset_page


def get_employee(*, session: DbSession, employee_id: uuid.UUID) -> Employee:
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise NotFound("No such employee.")
    return employee


def list_employees(
    *,
    session: DbSession,
    department_id: uuid.UUID | None = None,
    role: str | None = None,
    role_department_id: uuid.UUID | None = None,
    is_active: bool | None = None,
    q: str | None = None,
    limit: int,
    cursor: str | None,
) -> Page[Employee]:
    """The filterable directory.

    ``role`` with ``role_department_id`` finds, for example, the assignees of one department.
    """
    statement = sa.select(Employee)
    if department_id:
        statement = statement.where(Employee.department_id == department_id)
    if is_active is not None:
        statement = statement.where(Employee.is_active.is_(is_active))
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            sa.or_(
                sa.func.lower(Employee.name).like(pattern),
                sa.func.lower(Employee.employee_code).like(pattern),
            )
        )
    if role:
        grant = sa.select(HdmsGrant.id).where(
            HdmsGrant.employee_id == Employee.id, HdmsGrant.role == role
        )
        if role_department_id:
            grant = grant.where(HdmsGrant.department_id == role_department_id)
        statement = statement.where(grant.exists())
    return keyset_page(
        session, statement, order_by=[Employee.created_at, Employee.id], limit=limit, cursor=cursor
    )


def _check_department(session: DbSession, department_id: uuid.UUID | None) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise Invalid("Unknown department.", errors={"department_id": ["No such department."]})


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "The password is too short.",
            errors={"password": [f"At least {MIN_PASSWORD_LENGTH} characters."]},
        )


def create_employee(*, session: DbSession, data: dict[str, Any]) -> Employee:
    """Create an employee; the code and e-mail are unique (case-insensitively)."""
    code = data["employee_code"].strip()
    if session.scalar(
        sa.select(Employee.id).where(sa.func.lower(Employee.employee_code) == code.lower())
    ):
        raise Conflict(
            "This employee code is taken.", errors={"employee_code": ["Already in use."]}
        )
    email = data.get("email")
    if email and session.scalar(
        sa.select(Employee.id).where(sa.func.lower(Employee.email) == email.lower())
    ):
        raise Conflict("This e-mail is taken.", errors={"email": ["Already in use."]})
    _check_department(session, data.get("department_id"))
    _check_password(data["password"])
    employee = Employee(
        employee_code=code,
        name=data["name"].strip(),
        email=email.lower() if email else None,
        department_id=data.get("department_id"),
        password_hash=hash_password(data["password"]),
        is_active=data.get("is_active", True),
    )
    session.add(employee)
    session.flush()
    return employee


def update_employee(
    *, session: DbSession, employee_id: uuid.UUID, data: dict[str, Any]
) -> Employee:
    """Change an employee; a new password or deactivation revokes their tokens, access tokens
    included (they are refused from now on)."""
    employee = get_employee(session=session, employee_id=employee_id)
    if "department_id" in data:
        _check_department(session, data["department_id"])
    if "email" in data and data["email"]:
        clash = session.scalar(
            sa.select(Employee.id).where(sa.func.lower(Employee.email) == data["email"].lower())
        )
        if clash is not None and clash != employee.id:
            raise Conflict("This e-mail is taken.", errors={"email": ["Already in use."]})
        data["email"] = data["email"].lower()
    password = data.pop("password", None)
    if password is not None:
        _check_password(password)
        employee.password_hash = hash_password(password)
        revoke_employee_tokens(session=session, employee_id=employee.id)
        revoke_issued_access_tokens(session=session, employee=employee)
    for key, value in data.items():
        setattr(employee, key, value.strip() if key == "name" else value)
    if data.get("is_active") is False:
        revoke_employee_tokens(session=session, employee_id=employee.id)
        revoke_issued_access_tokens(session=session, employee=employee)
    session.flush()
    return employee


def deactivate_employee(*, session: DbSession, employee_id: uuid.UUID) -> None:
    """Employees are deactivated, not deleted: their tickets and history stay meaningful."""
    update_employee(session=session, employee_id=employee_id, data={"is_active": False})


def grant_access(
    *,
    session: DbSession,
    employee_id: uuid.UUID,
    roles: Iterable[str],
    department_ids: Iterable[uuid.UUID],
    granted_by: uuid.UUID | None,
) -> Employee:
    """Grant each role in each department (already held pairs are kept as they are)."""
    employee = get_employee(session=session, employee_id=employee_id)
    department_ids = list(department_ids)
    for department_id in department_ids:
        _check_department(session, department_id)
    held = set(employee.grant_pairs)
    for role in roles:
        for department_id in department_ids:
            if (role, department_id) not in held:
                employee.grants.append(
                    HdmsGrant(role=role, department_id=department_id, granted_by=granted_by)
                )
    session.flush()
    return employee


def revoke_access(
    *,
    session: DbSession,
    employee_id: uuid.UUID,
    roles: Iterable[str] | None,
    department_ids: Iterable[uuid.UUID] | None,
) -> Employee:
    """Remove grants (``None`` roles or departments: all of them); with none left the employee
    can no longer log in or refresh.

    Access tokens issued before are refused from now on, since they carry the removed grant:
    the client refreshes to get one with the grants that are left.
    """
    employee = get_employee(session=session, employee_id=employee_id)
    role_set = None if roles is None else set(roles)
    department_set = None if department_ids is None else set(department_ids)
    removed = False
    for grant in list(employee.grants):
        if (role_set is None or grant.role in role_set) and (
            department_set is None or grant.department_id in department_set
        ):
            employee.grants.remove(grant)
            removed = True
    session.flush()
    if removed:
        revoke_issued_access_tokens(session=session, employee=employee)
    if not employee.grants:
        revoke_employee_tokens(session=session, employee_id=employee.id)
    return employee
