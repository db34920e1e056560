"""What every ticket-service view shares: the policy, the clients, the version, the caller."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, request

from hdms_common.api import parse_version_header
from hdms_common.app import settings_of
from hdms_common.auth import current_user, service_token
from hdms_common.clients import AuthClient, FileClient
from hdms_common.department_facts import DepartmentFacts
from hdms_common.errors import Invalid
from hdms_common.logging import current_request_id
from ticket_service.config import TicketPolicy
from ticket_service.extensions import db
from ticket_service.models import Ticket
from ticket_service.services.directory import Directory
from ticket_service.services.tickets import ticket_view
from ticket_service.services.visibility import SERVICE_NAME, ensure_visible

#: Path parameters that name one ticket, or something of one ticket.
TICKET_SCOPE_ARGS = ("ticket_id", "sub_ticket_id", "approval_id")


def policy() -> TicketPolicy:
    value = current_app.extensions["hdms_ticket_policy"]
    assert isinstance(value, TicketPolicy)
    return value


def auth_client() -> AuthClient:
    client = current_app.extensions["hdms_auth_client"]
    assert isinstance(client, AuthClient)
    return client


def department_facts() -> DepartmentFacts:
    facts = current_app.extensions["hdms_department_facts"]
    assert isinstance(facts, DepartmentFacts)
    return facts


def file_client() -> FileClient:
    client = current_app.extensions["hdms_file_client"]
    assert isinstance(client, FileClient)
    return client


def directory_token() -> str:
    """A service token for reading grants: auth-service shows them to admins only, and whether
    someone may be assigned or approve is ticket-service's question, not its caller's."""
    return service_token(SERVICE_NAME, settings_of(current_app).jwt_secret_key)


def request_id() -> str | None:
    return current_request_id()


def hide_tickets_out_of_sight() -> None:
    """Before-request hook of every blueprint: a route naming a ticket (or one of its
    sub-tickets or approval rounds) that the caller may not see answers 404 before anything
    else is looked at - role, body, version, Idempotency-Key - so that no other answer tells a
    stranger the ticket exists. A missing or bad token still answers 401, and an account
    without HDMS access is left to ``auth_required`` (403)."""
    args = request.view_args or {}
    scope = {name: args[name] for name in TICKET_SCOPE_ARGS if name in args}
    if not scope or request.method == "OPTIONS":
        return
    user = current_user()
    if not user.roles:
        return
    try:
        ensure_visible(session=db.session, actor=user, **scope)
    finally:
        end_read_transaction()


def version_of(data: dict[str, Any]) -> int | None:
    """The version the change is based on: body ``version`` or an If-Match header."""
    version = data.pop("version", None)
    if version is not None:
        return int(version)
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    parsed = parse_version_header(header)
    if parsed is None:
        raise Invalid(
            "If-Match must carry the ticket's version.",
            errors={"headers.If-Match": ["Not a version number."]},
        )
    return parsed


def required_version(data: dict[str, Any]) -> int:
    version = version_of(data)
    if version is None:
        raise Invalid(
            "Say which version of the ticket the change is based on.",
            errors={"version": ["Required (or an If-Match header)."]},
        )
    return version


def present(ticket: Ticket) -> dict[str, Any]:
    return ticket_view(ticket, actor=current_user(), policy=policy())


def end_read_transaction() -> None:
    """Close the read transaction before calling another service (docs/pitfalls.md)."""
    db.session.rollback()


def directory() -> Directory:
    """auth-service's directory, asked with ticket-service's own token."""
    return Directory(auth_client(), token=directory_token())


def assignee_facts(department_id: uuid.UUID, assignee_id: uuid.UUID) -> dict[str, Any]:
    """{"assignee_verified": id} when auth-service says the user is an active assignee there."""
    end_read_transaction()
    return directory().assignee_facts(department_id, assignee_id)


def validate_department(department_id: uuid.UUID, field: str = "department_id") -> None:
    """A 422 unless auth-service knows the department and it is active.

    The facts auth-service keeps in Redis answer first (hdms_common.department_facts); only
    when none are kept is auth-service asked (and it keeps them for the next create).
    """
    department = department_facts().get(department_id)
    if department is None:
        department = auth_client().get_department(department_id, token=current_user().token)
    if department is None:
        raise Invalid("Unknown department.", errors={field: ["Unknown department."]})
    if not department.get("is_active", False):
        raise Invalid("The department is inactive.", errors={field: ["Inactive department."]})


def attachment_summary(file_key: str, field: str = "attachments") -> dict[str, Any]:
    """Validate a file_key with file-service as the caller and keep what a list shows."""
    details = file_client().validate_attachment(file_key, field=field, token=current_user().token)
    return {
        "file_key": file_key,
        "name": details.get("original_name") or details.get("name"),
        "size": details.get("size"),
        "content_type": details.get("content_type"),
    }
