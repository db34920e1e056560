"""Life-cycle actions called as services, outside any request: what they need from auth-service
comes from the Directory they are handed (here built on the app's real client)."""

from __future__ import annotations

import uuid

import pytest

from hdms_common.app import settings_of
from hdms_common.auth import CurrentUser, service_token
from hdms_common.errors import Invalid
from ticket_service.extensions import db
from ticket_service.services import actions
from ticket_service.services.directory import Directory
from ticket_service.services.visibility import SERVICE_NAME


def moderator_of(cast) -> CurrentUser:
    return CurrentUser(
        id=cast.moderator.id,
        employee_code=cast.moderator.employee_code,
        name=cast.moderator.name,
        department_id=cast.department,
        roles=frozenset({"moderator"}),
        scopes={"moderator": frozenset({cast.department})},
    )


def assign(app, cast, ticket, assignee_id: uuid.UUID):
    with app.app_context():
        directory = Directory(
            app.extensions["hdms_auth_client"],
            token=service_token(SERVICE_NAME, settings_of(app).jwt_secret_key),
        )
        try:
            ticket = actions.perform_action(
                session=db.session,
                directory=directory,
                actor=moderator_of(cast),
                ticket_id=uuid.UUID(ticket["id"]),
                action="assign",
                payload={"assignee_id": assignee_id},
                policy=app.extensions["hdms_ticket_policy"],
                version=ticket["version"],
            )
            db.session.commit()
            return ticket.status
        finally:
            db.session.remove()


def test_assign_asks_auth_service_through_the_directory_it_is_given(api, app, cast, fetch):
    ticket = api.in_state("new")
    assert assign(app, cast, ticket, cast.assignee.id) == "assigned"
    assert fetch(
        "SELECT status, assignee_id, version FROM tickets WHERE id = %s", ticket["id"]
    ) == [("assigned", str(cast.assignee.id), 2)]


def test_an_assignee_auth_service_does_not_vouch_for_is_refused(api, app, cast, fetch, snapshot):
    ticket = api.in_state("new")
    before = snapshot(ticket)
    with pytest.raises(Invalid) as refused:
        assign(app, cast, ticket, cast.other_assignee.id)
    assert "assignee_id" in refused.value.errors
    assert snapshot(ticket) == before
