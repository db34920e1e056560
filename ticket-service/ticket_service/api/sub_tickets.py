"""/api/tickets/{id}/sub-tickets/ and /api/sub-tickets/{id}: splitting a ticket's work."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from hdms_common.api import Blueprint
from hdms_common.auth import auth_required, current_user
from hdms_common.idempotency import idempotent
from ticket_service.api import common
from ticket_service.extensions import db
from ticket_service.models import IdempotencyKey
from ticket_service.schemas.work import (
    SubTicketCreateSchema,
    SubTicketListSchema,
    SubTicketSchema,
    SubTicketStatusSchema,
    SubTicketUpdateSchema,
)
from ticket_service.services import sub_tickets, tickets

blp = Blueprint("sub_tickets", __name__, url_prefix="/api", description="Sub-tickets")


@blp.route("/tickets/<uuid:ticket_id>/sub-tickets/")
class TicketSubTickets(MethodView):
    @auth_required()
    @blp.response(200, SubTicketListSchema)
    def get(self, ticket_id: uuid.UUID) -> Any:
        """The ticket's sub-tickets."""
        items = sub_tickets.list_sub_tickets(
            session=db.session, actor=current_user(), ticket_id=ticket_id
        )
        return {"items": items}

    @idempotent(db, IdempotencyKey)
    @auth_required()
    @blp.arguments(SubTicketCreateSchema)
    @blp.response(201, SubTicketSchema)
    def post(self, data: dict[str, Any], ticket_id: uuid.UUID) -> Any:
        """Split work into a sub-ticket (the ticket's moderator, an admin or its assignee;
        Idempotency-Key supported)."""
        tickets.get_ticket(session=db.session, actor=current_user(), ticket_id=ticket_id)
        common.end_read_transaction()
        common.validate_department(data["department_id"])
        facts: dict[str, Any] = {}
        if data.get("assignee_id"):
            facts = common.assignee_facts(data["department_id"], data["assignee_id"])
        sub_ticket = sub_tickets.create_sub_ticket(
            session=db.session,
            actor=current_user(),
            ticket_id=ticket_id,
            data=data,
            facts=facts,
            request_id=common.request_id(),
        )
        db.session.commit()
        return sub_ticket


@blp.route("/sub-tickets/<uuid:sub_ticket_id>")
class SubTicketById(MethodView):
    @auth_required()
    @blp.response(200, SubTicketSchema)
    def get(self, sub_ticket_id: uuid.UUID) -> Any:
        """One sub-ticket."""
        sub_ticket, _ = sub_tickets.get_sub_ticket(
            session=db.session, actor=current_user(), sub_ticket_id=sub_ticket_id
        )
        return sub_ticket

    @auth_required()
    @blp.arguments(SubTicketUpdateSchema)
    @blp.response(200, SubTicketSchema)
    def patch(self, data: dict[str, Any], sub_ticket_id: uuid.UUID) -> Any:
        """Edit or (re)assign a sub-ticket."""
        version = common.version_of(data)
        sub_ticket, _ = sub_tickets.get_sub_ticket(
            session=db.session, actor=current_user(), sub_ticket_id=sub_ticket_id
        )
        facts: dict[str, Any] = {}
        if data.get("assignee_id"):
            facts = common.assignee_facts(sub_ticket.department_id, data["assignee_id"])
        updated = sub_tickets.update_sub_ticket(
            session=db.session,
            actor=current_user(),
            sub_ticket_id=sub_ticket_id,
            data=data,
            facts=facts,
            version=version,
            request_id=common.request_id(),
        )
        db.session.commit()
        return updated


@blp.route("/sub-tickets/<uuid:sub_ticket_id>/status")
class SubTicketStatus(MethodView):
    @auth_required()
    @blp.arguments(SubTicketStatusSchema)
    @blp.response(200, SubTicketSchema)
    def post(self, data: dict[str, Any], sub_ticket_id: uuid.UUID) -> Any:
        """start, complete or cancel a sub-ticket."""
        version = common.version_of(data)
        sub_ticket = sub_tickets.change_sub_ticket_status(
            session=db.session,
            actor=current_user(),
            sub_ticket_id=sub_ticket_id,
            action=data["action"],
            reason=data.get("reason"),
            version=version,
            request_id=common.request_id(),
        )
        db.session.commit()
        return sub_ticket
