"""/api/hdms/grant-access: grant and revoke HDMS roles per department (admin)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from auth_service.api.commit import commit_access_changes
from auth_service.extensions import db
from auth_service.schemas.employees import EmployeeSchema
from auth_service.schemas.grants import GrantAccessSchema, RevokeAccessSchema
from auth_service.services import employees
from hdms_common.api import Blueprint
from hdms_common.auth import ADMIN, auth_required, current_user

blp = Blueprint("grants", __name__, url_prefix="/api/hdms", description="HDMS access grants")


@blp.route("/grant-access")
class GrantAccess(MethodView):
    @auth_required(ADMIN)
    @blp.arguments(GrantAccessSchema)
    @blp.response(200, EmployeeSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Grant roles in departments to an employee (admin)."""
        employee = employees.grant_access(session=db.session, granted_by=current_user().id, **data)
        db.session.commit()
        return employee

    @auth_required(ADMIN)
    @blp.arguments(RevokeAccessSchema)
    @blp.response(200, EmployeeSchema)
    def delete(self, data: dict[str, Any]) -> Any:
        """Revoke roles in departments (omitted roles or department_ids: all of them; admin); the
        employee's access tokens stop working at once (a refresh gives one with the grants left)."""
        employee = employees.revoke_access(session=db.session, **data)
        commit_access_changes()
        return employee
