"""/api/tickets/{id}/approvals/, /api/approvals/ and /api/approvals/{id}/decision: approval
rounds."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask.views import MethodView

from hdms_common.api import Blueprint
from hdms_common.auth import auth_required, current_user
from hdms_common.idempotency import idempotent
from ticket_service.api import common
from ticket_service.extensions import db
from ticket_service.models import Approval, IdempotencyKey
from ticket_service.schemas.transitions import RequestApprovalSchema
from ticket_service.schemas.work import (
    ApprovalListSchema,
    ApprovalPageSchema,
    ApprovalQueryArgsSchema,
    ApprovalSchema,
    DecisionCreateSchema,
)
from ticket_service.services import actions, approvals

blp = Blueprint("approvals", __name__, url_prefix="/api", description="Approvals")


@blp.route("/tickets/<uuid:ticket_id>/approvals/")
class TicketApprovals(MethodView):
    @auth_required()
    @blp.response(200, ApprovalListSchema)
    def get(self, ticket_id: uuid.UUID) -> Any:
        """The ticket's approval rounds with their decisions."""
        items = approvals.list_approvals(
            session=db.session, actor=current_user(), ticket_id=ticket_id
        )
        return {"items": items}

    @idempotent(db, IdempotencyKey)
    @auth_required()
    @blp.arguments(RequestApprovalSchema)
    @blp.response(201, ApprovalSchema)
    def post(self, data: dict[str, Any], ticket_id: uuid.UUID) -> Any:
        """Request an approval round (the ticket waits for it; Idempotency-Key supported)."""
        approval = actions.request_approval(
            session=db.session,
            directory=common.directory(),
            actor=current_user(),
            ticket_id=ticket_id,
            payload=data,
            policy=common.policy(),
            version=common.required_version(data),
            request_id=common.request_id(),
        )
        db.session.commit()
        return approval


@blp.route("/approvals/")
class Approvals(MethodView):
    @auth_required()
    @blp.arguments(ApprovalQueryArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, ApprovalPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """The approval rounds naming you as an approver (admins: all), newest first, each
        with its ticket's number, title, priority and status; ?pending=true: awaiting you."""
        page = approvals.list_rounds_for_approver(session=db.session, actor=current_user(), **args)
        return {
            "items": [
                {**_columns(approval), "decisions": approval.decisions, "ticket": ticket}
                for approval, ticket in page.items
            ],
            "next_cursor": page.next_cursor,
        }


def _columns(approval: Approval) -> dict[str, Any]:
    return {c.key: getattr(approval, c.key) for c in sa.inspect(Approval).column_attrs}


@blp.route("/approvals/<uuid:approval_id>/decision")
class ApprovalDecision(MethodView):
    @auth_required()
    @blp.arguments(DecisionCreateSchema)
    @blp.response(200, ApprovalSchema)
    def post(self, data: dict[str, Any], approval_id: uuid.UUID) -> Any:
        """Approve or decline (an approver of the round, once)."""
        approval = approvals.decide_approval(
            session=db.session,
            actor=current_user(),
            approval_id=approval_id,
            decision=data["decision"],
            comment=data["comment"],
            policy=common.policy(),
            request_id=common.request_id(),
        )
        db.session.commit()
        return approval
