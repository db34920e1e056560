"""What auth-service says about the people a change names, asked on the caller's behalf.

Whether someone may be assigned or approve is ticket-service's question, so the questions go
out with a service token rather than the caller's. Services receive a ``Directory`` instead of
reaching for the Flask app, so they run the same way in a request, a command or a test.
"""

from __future__ import annotations

import uuid
from typing import Any

from hdms_common.auth import ASSIGNEE
from hdms_common.clients import AuthClient


class Directory:
    """auth-service's answers about employees, turned into the facts the transition guards check."""

    def __init__(self, client: AuthClient, *, token: str) -> None:
        self.client = client
        self.token = token

    def assignee_facts(self, department_id: uuid.UUID, assignee_id: uuid.UUID) -> dict[str, Any]:
        """{"assignee_verified": id} when the user is an active assignee of the department."""
        holds = self.client.employee_holds_role(
            assignee_id, ASSIGNEE, department_id, token=self.token
        )
        return {"assignee_verified": assignee_id} if holds else {}

    def approver_facts(self, approver_ids: list[uuid.UUID]) -> dict[str, Any]:
        """{"approvers_verified": [...]}: the approvers known as active HDMS users."""
        verified = []
        for approver_id in approver_ids:
            employee = self.client.get_employee(approver_id, token=self.token)
            if employee and employee.get("is_active") and employee.get("grants"):
                verified.append(approver_id)
        return {"approvers_verified": verified}
