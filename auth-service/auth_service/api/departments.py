"""/api/departments: department CRUD (admin writes; any HDMS user reads)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from auth_service.extensions import db
from auth_service.models import IdempotencyKey
from auth_service.schemas.departments import (
    DepartmentCreateSchema,
    DepartmentPageSchema,
    DepartmentQueryArgsSchema,
    DepartmentSchema,
    DepartmentUpdateSchema,
)
from auth_service.services import departments
from hdms_common.api import Blueprint
from hdms_common.auth import ADMIN, auth_required
from hdms_common.idempotency import idempotent

blp = Blueprint("departments", __name__, url_prefix="/api/departments", description="Departments")


@blp.route("/")
class Departments(MethodView):
    @auth_required()
    @blp.arguments(DepartmentQueryArgsSchema, location="query")
    @blp.response(200, DepartmentPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List departments (a requestor picks one for a ticket)."""
        return departments.list_departments(session=db.session, **args)

    @idempotent(db, IdempotencyKey)
    @auth_required(ADMIN)
    @blp.arguments(DepartmentCreateSchema)
    @blp.response(201, DepartmentSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a department (admin)."""
        department = departments.create_department(session=db.session, data=data)
        db.session.commit()
        return department


@blp.route("/<uuid:department_id>")
class DepartmentById(MethodView):
    @auth_required()
    @blp.response(200, DepartmentSchema)
    def get(self, department_id: uuid.UUID) -> Any:
        """One department."""
        department = departments.get_department(session=db.session, department_id=department_id)
        departments.offer_department_facts(department)
        return department

    @auth_required(ADMIN)
    @blp.arguments(DepartmentUpdateSchema)
    @blp.response(200, DepartmentSchema)
    def patch(self, data: dict[str, Any], department_id: uuid.UUID) -> Any:
        """Change a department (admin)."""
        department = departments.update_department(
            session=db.session, department_id=department_id, data=data
        )
        db.session.commit()
        return department

    @auth_required(ADMIN)
    @blp.response(204)
    def delete(self, department_id: uuid.UUID) -> None:
        """Deactivate a department (admin)."""
        departments.deactivate_department(session=db.session, department_id=department_id)
        db.session.commit()
