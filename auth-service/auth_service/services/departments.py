"""Departments: tickets are opened for one, HDMS roles are granted in one."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from auth_service.models import Department
from hdms_common.db import DbSession
from hdms_common.errors import Conflict, NotFound
from hdms_common.pagination import Page, keyset_page


def list_departments(
    *, session: DbSession, include_inactive: bool, limit: int, cursor: str | None
) -> Page[Department]:
    statement = sa.select(Department)
    if not include_inactive:
        statement = statement.where(Department.is_active.is_(True))
    return keyset_page(
        session,
        statement,
        order_by=[Department.name, Department.id],
        limit=limit,
        cursor=cursor,
        descending=False,
    )


def get_department(*, session: DbSession, department_id: uuid.UUID) -> Department:
    department = session.get(Department, department_id)
    if department is None:
        raise NotFound("No such department.")
    return department


def _ensure_unique(
    session: DbSession, data: dict[str, Any], exclude: uuid.UUID | None = None
) -> None:
    for field in ("name", "code"):
        if field in data:
            column = getattr(Department, field)
            clash = session.scalar(
                sa.select(Department.id).where(sa.func.lower(column) == data[field].lower())
            )
            if clash is not None and clash != exclude:
                raise Conflict(
                    f"A department with this {field} exists.", errors={field: ["Already in use."]}
                )


def create_department(*, session: DbSession, data: dict[str, Any]) -> Department:
    _ensure_unique(session, data)
    department = Department(**data)
    session.add(department)
    session.flush()
    return department


def update_department(
    *, session: DbSession, department_id: uuid.UUID, data: dict[str, Any]
) -> Department:
    department = get_department(session=session, department_id=department_id)
    _ensure_unique(session, data, exclude=department.id)
    for key, value in data.items():
        setattr(department, key, value)
    session.flush()
    return department


def deactivate_department(*, session: DbSession, department_id: uuid.UUID) -> None:
    """Departments are deactivated, not deleted: tickets keep referring to them."""
    department = get_department(session=session, department_id=department_id)
    department.is_active = False
    session.flush()
