"""/api/tickets: tickets, their transitions, SLA override, history and attachments."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from hdms_common.api import Blueprint
from hdms_common.auth import ADMIN, MODERATOR, auth_required, current_user
from hdms_common.idempotency import idempotent
from ticket_service import fsm
from ticket_service.api import common
from ticket_service.extensions import db
from ticket_service.models import IdempotencyKey
from ticket_service.schemas import transitions as payloads
from ticket_service.schemas.tickets import (
    AttachmentCreateSchema,
    AttachmentListSchema,
    DeleteArgsSchema,
    FsmTableSchema,
    HistoryArgsSchema,
    HistorySchema,
    SlaOverrideSchema,
    StatusChangeSchema,
    TicketCreateSchema,
    TicketPageSchema,
    TicketQueryArgsSchema,
    TicketSchema,
    TicketUpdateSchema,
    dump_ticket,
)
from ticket_service.services import actions, audit, tickets

blp = Blueprint("tickets", __name__, url_prefix="/api/tickets", description="Tickets")

#: The list's query schema, made once: given the class, webargs builds (deep-copies the
#: fields of) a new instance on every request. Loading keeps no state on the instance.
LIST_ARGS = TicketQueryArgsSchema()


@blp.route("/")
class Tickets(MethodView):
    @auth_required()
    @blp.arguments(LIST_ARGS, location="query", unknown=ma.RAISE)
    @blp.response(200, TicketPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List the tickets you may see (filters, full-text q, sort, keyset cursor)."""
        actor, policy = current_user(), common.policy()
        page = tickets.list_tickets(session=db.session, actor=actor, **args)
        now = policy.clock()
        items = [
            dump_ticket(tickets.ticket_view(row, actor=actor, policy=policy, now=now))
            for row in page.items
        ]
        # The same JSON TicketPageSchema would give (dump_ticket), made without marshmallow.
        return current_app.json.response({"items": items, "next_cursor": page.next_cursor})

    @idempotent(db, IdempotencyKey)
    @auth_required()
    @blp.arguments(TicketCreateSchema)
    @blp.response(201, TicketSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Open a ticket for a department (Idempotency-Key supported)."""
        common.validate_department(data["department_id"])
        data["attachments"] = [common.attachment_summary(k) for k in data["attachments"]]
        ticket = tickets.create_ticket(
            session=db.session,
            actor=current_user(),
            data=data,
            policy=common.policy(),
            request_id=common.request_id(),
        )
        # Built from the row the INSERT returned, so the commit is not followed by a re-read.
        answer = common.present(ticket)
        db.session.commit()
        return answer


@blp.route("/fsm")
class TicketFsm(MethodView):
    @auth_required()
    @blp.response(200, FsmTableSchema)
    def get(self) -> Any:
        """The life-cycle transition table (what each action needs and who may do it)."""
        return {
            "statuses": [str(s) for s in fsm.Status],
            "terminal": sorted(str(s) for s in fsm.TERMINAL),
            "transitions": fsm.describe_table(),
            "sub_ticket_transitions": [
                {
                    "action": str(t.action),
                    "from": sorted(str(s) for s in t.sources),
                    "to": str(t.target),
                    "roles": sorted(t.roles),
                }
                for t in fsm.SUB_TICKET_TRANSITIONS.values()
            ],
        }


@blp.route("/<uuid:ticket_id>")
class TicketById(MethodView):
    @auth_required()
    @blp.response(200, TicketSchema)
    def get(self, ticket_id: uuid.UUID) -> Any:
        """One ticket, with the actions open to you."""
        ticket = tickets.get_ticket(session=db.session, actor=current_user(), ticket_id=ticket_id)
        return common.present(ticket)

    @auth_required()
    @blp.arguments(TicketUpdateSchema)
    @blp.response(200, TicketSchema)
    def patch(self, data: dict[str, Any], ticket_id: uuid.UUID) -> Any:
        """Edit title, description, priority, category (requestor while new; moderator, admin)."""
        version = common.version_of(data)
        ticket = tickets.update_ticket(
            session=db.session,
            actor=current_user(),
            ticket_id=ticket_id,
            data=data,
            policy=common.policy(),
            version=version,
            request_id=common.request_id(),
        )
        db.session.commit()
        return common.present(ticket)

    @auth_required(ADMIN)
    @blp.arguments(DeleteArgsSchema, location="query")
    @blp.response(204)
    def delete(self, args: dict[str, Any], ticket_id: uuid.UUID) -> None:
        """Delete a ticket (admin; soft: its history stays)."""
        tickets.delete_ticket(
            session=db.session,
            actor=current_user(),
            ticket_id=ticket_id,
            version=common.version_of(args),
            request_id=common.request_id(),
        )
        db.session.commit()


def perform_transition(ticket_id: uuid.UUID, action: str, payload: dict[str, Any]) -> Any:
    """Apply ``action`` with its checked payload and answer with the ticket after it."""
    ticket = actions.perform_action(
        session=db.session,
        directory=common.directory(),
        actor=current_user(),
        ticket_id=ticket_id,
        action=action,
        payload=payload,
        policy=common.policy(),
        version=common.required_version(payload),
        request_id=common.request_id(),
    )
    db.session.commit()
    return common.present(ticket)


@blp.route("/<uuid:ticket_id>/status")
class TicketStatus(MethodView):
    @auth_required()
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, TicketSchema)
    def post(self, data: dict[str, Any], ticket_id: uuid.UUID) -> Any:
        """Apply any life-cycle action: {action, version, ...its payload} (see /fsm)."""
        action = data.pop("action")
        payload = fsm.transition_for(action).payload().load(data)
        return perform_transition(ticket_id, action, payload)


def _action_view(action: fsm.Action, schema: type[ma.Schema], summary: str) -> type[MethodView]:
    class ActionView(MethodView):
        @auth_required()
        @blp.arguments(schema)
        @blp.response(200, TicketSchema)
        def post(self, data: dict[str, Any], ticket_id: uuid.UUID) -> Any:
            return perform_transition(ticket_id, str(action), data)

    ActionView.post.__doc__ = summary
    ActionView.__name__ = f"Ticket{action.title().replace('_', '')}"
    return ActionView


for _action, _schema, _summary in (
    (fsm.Action.ASSIGN, payloads.AssignSchema, "Assign to an assignee of the department."),
    (fsm.Action.REJECT, payloads.ReasonSchema, "Reject with a reason."),
    (fsm.Action.POSTPONE, payloads.PostponeSchema, "Postpone until resume_at (SLA paused)."),
    (fsm.Action.ACKNOWLEDGE, payloads.VersionOnlySchema, "Acknowledge (the assignee)."),
    (fsm.Action.PROGRESS, payloads.ProgressSchema, "Report progress (the assignee)."),
):
    blp.route(f"/<uuid:ticket_id>/{_action}", endpoint=f"ticket_{_action}")(
        _action_view(_action, _schema, _summary)
    )


@blp.route("/<uuid:ticket_id>/sla")
class TicketSla(MethodView):
    @auth_required(MODERATOR, ADMIN)
    @blp.arguments(SlaOverrideSchema)
    @blp.response(200, TicketSchema)
    def patch(self, data: dict[str, Any], ticket_id: uuid.UUID) -> Any:
        """Override the resolution due date with a reason (moderator, admin; audited)."""
        version = common.version_of(data)
        ticket = tickets.override_sla(
            session=db.session,
            actor=current_user(),
            ticket_id=ticket_id,
            due_at=data["due_at"],
            reason=data["reason"],
            policy=common.policy(),
            version=version,
            request_id=common.request_id(),
        )
        db.session.commit()
        return common.present(ticket)


@blp.route("/<uuid:ticket_id>/history")
class TicketHistory(MethodView):
    @auth_required()
    @blp.arguments(HistoryArgsSchema, location="query")
    @blp.response(200, HistorySchema)
    def get(self, args: dict[str, Any], ticket_id: uuid.UUID) -> Any:
        """The ticket's audit history, oldest first (?verify=1 checks its hash chain)."""
        ticket = tickets.get_ticket(session=db.session, actor=current_user(), ticket_id=ticket_id)
        rows = audit.list_history(session=db.session, ticket_id=ticket_id)
        verification = None
        if args["verify"]:
            verification = audit.verify_rows(ticket_id, rows, ticket.audit_head).as_dict()
        return {"ticket_id": ticket_id, "items": rows, "verification": verification}


@blp.route("/<uuid:ticket_id>/attachments/")
class TicketAttachments(MethodView):
    @auth_required()
    @blp.response(200, AttachmentListSchema)
    def get(self, ticket_id: uuid.UUID) -> Any:
        """The files attached to the ticket."""
        ticket = tickets.get_ticket(session=db.session, actor=current_user(), ticket_id=ticket_id)
        return {"items": ticket.attachments}

    @idempotent(db, IdempotencyKey)
    @auth_required()
    @blp.arguments(AttachmentCreateSchema)
    @blp.response(201, TicketSchema)
    def post(self, data: dict[str, Any], ticket_id: uuid.UUID) -> Any:
        """Attach an uploaded file by its file_key (validated with file-service;
        Idempotency-Key supported)."""
        tickets.get_ticket(session=db.session, actor=current_user(), ticket_id=ticket_id)
        common.end_read_transaction()
        summary = common.attachment_summary(data["file_key"], field="file_key")
        ticket = tickets.add_attachment(
            session=db.session,
            actor=current_user(),
            ticket_id=ticket_id,
            attachment=summary,
            request_id=common.request_id(),
        )
        db.session.commit()
        return common.present(ticket)
