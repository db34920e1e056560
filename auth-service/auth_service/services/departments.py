"""Departments: tickets are opened for one, HDMS roles are granted in one."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session, UOWTransaction

from auth_service.models import Department
from hdms_common.app import settings_of
from hdms_common.db import DbSession
from hdms_common.department_facts import DepartmentFacts
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


#: app.extensions key of the department facts kept in Redis (hdms_common.department_facts).
FACTS_EXTENSION = "hdms_department_facts"
#: session.info keys: the facts of departments the open transaction wrote, and removed ids.
PENDING_FACTS = "hdms_department_facts_pending"
REMOVED_FACTS = "hdms_department_facts_removed"


def install_department_facts(app: Flask, scoped_session: object) -> None:
    """Write the facts of every department a transaction changed when it commits.

    Listening on the session rather than in the routes covers every way a department changes
    (API, CLI, seed): the facts are written inside ``commit()``, before the request that made
    the change is answered, so a ticket create right after a deactivation sees it.
    """
    app.extensions[FACTS_EXTENSION] = DepartmentFacts(settings_of(app).redis_url)
    if not sa.event.contains(scoped_session, "after_flush", _collect_department_facts):
        sa.event.listen(scoped_session, "after_flush", _collect_department_facts)
        sa.event.listen(scoped_session, "after_commit", _write_department_facts)
        sa.event.listen(scoped_session, "after_rollback", _forget_department_facts)


def offer_department_facts(department: Department) -> None:
    """Keep the facts of a department just read for the next reader, unless a change wrote
    them first (hdms_common.department_facts)."""
    facts = current_app.extensions.get(FACTS_EXTENSION)
    if isinstance(facts, DepartmentFacts):
        facts.offer(_facts_of(department))


def _facts_of(department: Department) -> dict[str, Any]:
    return {
        "id": department.id,
        "name": department.name,
        "code": department.code,
        "is_active": department.is_active,
    }


def _collect_department_facts(session: Session, flush_context: UOWTransaction) -> None:
    pending: dict[uuid.UUID, dict[str, Any]] = session.info.setdefault(PENDING_FACTS, {})
    for instance in (*session.new, *session.dirty):
        if isinstance(instance, Department):
            pending[instance.id] = _facts_of(instance)
    for instance in session.deleted:
        if isinstance(instance, Department):
            pending.pop(instance.id, None)
            session.info.setdefault(REMOVED_FACTS, set()).add(instance.id)


def _write_department_facts(session: Session) -> None:
    pending = session.info.pop(PENDING_FACTS, None)
    removed = session.info.pop(REMOVED_FACTS, None)
    if not (pending or removed) or not has_app_context():
        return
    facts = current_app.extensions.get(FACTS_EXTENSION)
    if isinstance(facts, DepartmentFacts):
        facts.write((pending or {}).values(), removed=removed or ())


def _forget_department_facts(session: Session) -> None:
    session.info.pop(PENDING_FACTS, None)
    session.info.pop(REMOVED_FACTS, None)
