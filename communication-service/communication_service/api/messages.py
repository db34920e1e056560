"""/api/chat/{ticket_id}/messages/: a ticket's chat history and posting to it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app
from flask.views import MethodView

from communication_service.access import ensure_chat_access
from communication_service.api.deps import file_client, ticket_client
from communication_service.extensions import db
from communication_service.models import IdempotencyKey
from communication_service.realtime import PostedMessage, realtime_of
from communication_service.schemas.messages import (
    MessageCreateSchema,
    MessagePageSchema,
    MessageQueryArgsSchema,
    MessageSchema,
)
from communication_service.services import messages
from hdms_common.api import Blueprint
from hdms_common.auth import auth_required, current_user
from hdms_common.idempotency import idempotent

blp = Blueprint("chat", __name__, url_prefix="/api/chat", description="Per-ticket chat")

F = TypeVar("F", bound=Callable[..., Any])


def chat_access_first(view: F) -> F:
    """Begin the post, which checks that the caller may use the ticket's chat, before the
    request body is read, so that whoever may not gets the same 404 whatever they send (an
    invalid body must not reveal that the ticket exists: docs/api.md, "Chat rules"). The view
    receives the begun post as ``chat_post``."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        chat_post = messages.ChatPost.begin(
            session=db.session,
            user=current_user(),
            ticket_id=kwargs["ticket_id"],
            tickets=ticket_client(),
        )
        return view(*args, chat_post=chat_post, **kwargs)

    return cast(F, wrapper)


@blp.route("/<uuid:ticket_id>/messages/")
class Messages(MethodView):
    @auth_required()
    @blp.arguments(MessageQueryArgsSchema, location="query")
    @blp.response(200, MessagePageSchema)
    def get(self, args: dict[str, Any], ticket_id: uuid.UUID) -> Any:
        """List a ticket's messages (latest first; with after, oldest first from there)."""
        user = current_user()
        ensure_chat_access(
            session=db.session, user=user, ticket_id=ticket_id, tickets=ticket_client()
        )
        page = messages.list_messages(
            session=db.session,
            ticket_id=ticket_id,
            after=args.get("after"),
            before=args.get("before"),
            limit=args["limit"],
            cursor=args.get("cursor"),
        )
        db.session.commit()
        return page

    @idempotent(db, IdempotencyKey)
    @auth_required()
    @chat_access_first
    @blp.arguments(MessageCreateSchema)
    @blp.response(201, MessageSchema)
    @blp.alt_response(200, schema=MessageSchema, description="A resend of a client_msg_id.")
    def post(self, data: dict[str, Any], ticket_id: uuid.UUID, chat_post: messages.ChatPost) -> Any:
        """Post a message (participants and admins); stored, then broadcast."""
        posted = chat_post.send(
            body=data["body"],
            attachments=data["attachments"],
            client_msg_id=data["client_msg_id"],
            files=file_client(),
        )
        after = PostedMessage.of(posted.message) if posted.created else None
        db.session.commit()
        if after is not None:
            realtime_of(current_app).after_message_posted(session=db.session, posted=after)
        return posted.message, 201 if posted.created else 200
