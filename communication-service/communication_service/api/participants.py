"""/api/chat/{ticket_id}/participants/: who is on a ticket."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from communication_service.access import ensure_chat_access
from communication_service.api.deps import ticket_client
from communication_service.extensions import db
from communication_service.schemas.participants import ParticipantListSchema
from communication_service.services import participants
from hdms_common.api import Blueprint
from hdms_common.auth import auth_required, current_user

blp = Blueprint("participants", __name__, url_prefix="/api/chat", description="Ticket participants")


@blp.route("/<uuid:ticket_id>/participants/")
class Participants(MethodView):
    @auth_required()
    @blp.response(200, ParticipantListSchema)
    def get(self, ticket_id: uuid.UUID) -> Any:
        """List a ticket's participants, one entry per user and role (participants and admins)."""
        user = current_user()
        ensure_chat_access(
            session=db.session, user=user, ticket_id=ticket_id, tickets=ticket_client()
        )
        items = participants.list_participants(session=db.session, ticket_id=ticket_id)
        db.session.commit()
        return {"items": items, "next_cursor": None}
