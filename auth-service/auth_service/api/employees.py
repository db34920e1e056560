"""/api/employees: the employee directory (admin writes; any HDMS user reads public cards)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from auth_service.api.commit import commit_access_changes
from auth_service.extensions import db
from auth_service.models import IdempotencyKey
from auth_service.schemas.employees import (
    PUBLIC_CARD_FIELDS,
    EmployeeCreateSchema,
    EmployeePageSchema,
    EmployeeQueryArgsSchema,
    EmployeeSchema,
    EmployeeUpdateSchema,
)
from auth_service.services import employees
from hdms_common.api import Blueprint
from hdms_common.auth import ADMIN, auth_required, current_user
from hdms_common.idempotency import idempotent

blp = Blueprint("employees", __name__, url_prefix="/api/employees", description="Employees")


def _as_seen_by_caller(employee: Any) -> Any:
    """Admins (and services) and the employee themself see everything; others the card."""
    caller = current_user()
    if caller.is_admin or caller.id == employee.id:
        return employee
    return {name: getattr(employee, name) for name in PUBLIC_CARD_FIELDS}


@blp.route("/")
class Employees(MethodView):
    @auth_required()
    @blp.arguments(EmployeeQueryArgsSchema, location="query")
    @blp.response(200, EmployeePageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List employees (public cards; admins see every field): to find and pick people."""
        page = employees.list_employees(session=db.session, **args)
        return {
            "items": [_as_seen_by_caller(e) for e in page.items],
            "next_cursor": page.next_cursor,
        }

    @idempotent(db, IdempotencyKey)
    @auth_required(ADMIN)
    @blp.arguments(EmployeeCreateSchema)
    @blp.response(201, EmployeeSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create an employee (admin)."""
        employee = employees.create_employee(session=db.session, data=data)
        db.session.commit()
        return employee


@blp.route("/<uuid:employee_id>")
class EmployeeById(MethodView):
    @auth_required()
    @blp.response(200, EmployeeSchema)
    def get(self, employee_id: uuid.UUID) -> Any:
        """One employee (public card; admins and the employee themself see every field)."""
        return _as_seen_by_caller(
            employees.get_employee(session=db.session, employee_id=employee_id)
        )

    @auth_required(ADMIN)
    @blp.arguments(EmployeeUpdateSchema)
    @blp.response(200, EmployeeSchema)
    def patch(self, data: dict[str, Any], employee_id: uuid.UUID) -> Any:
        """Change an employee (admin); a new password or deactivation ends their sessions."""
        employee = employees.update_employee(session=db.session, employee_id=employee_id, data=data)
        commit_access_changes()
        return employee

    @auth_required(ADMIN)
    @blp.response(204)
    def delete(self, employee_id: uuid.UUID) -> None:
        """Deactivate an employee (admin); their tokens stop working at once."""
        employees.deactivate_employee(session=db.session, employee_id=employee_id)
        commit_access_changes()
