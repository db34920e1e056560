"""/api/notifications: the caller's own notifications."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from communication_service.extensions import db
from communication_service.schemas.notifications import (
    NotificationPageSchema,
    NotificationQueryArgsSchema,
    NotificationSchema,
    ReadAllResultSchema,
    UnreadCountSchema,
)
from communication_service.services import notifications
from hdms_common.api import Blueprint
from hdms_common.auth import auth_required, current_user

blp = Blueprint(
    "notifications", __name__, url_prefix="/api/notifications", description="Notifications"
)


@blp.route("/")
class Notifications(MethodView):
    @auth_required()
    @blp.arguments(NotificationQueryArgsSchema, location="query")
    @blp.response(200, NotificationPageSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """List my notifications, newest first (?unread=true for the unread ones)."""
        return notifications.list_notifications(
            session=db.session,
            user_id=current_user().id,
            unread=args.get("unread"),
            limit=args["limit"],
            cursor=args.get("cursor"),
        )


@blp.route("/<uuid:notification_id>/read")
class NotificationRead(MethodView):
    @auth_required()
    @blp.response(200, NotificationSchema)
    def post(self, notification_id: uuid.UUID) -> Any:
        """Mark one of my notifications read."""
        notification = notifications.mark_read(
            session=db.session, user_id=current_user().id, notification_id=notification_id
        )
        db.session.commit()
        return notification


@blp.route("/read-all")
class NotificationsReadAll(MethodView):
    @auth_required()
    @blp.response(200, ReadAllResultSchema)
    def post(self) -> Any:
        """Mark all my notifications read."""
        marked = notifications.mark_all_read(session=db.session, user_id=current_user().id)
        db.session.commit()
        return {"marked": marked}


@blp.route("/unread-count")
class NotificationsUnreadCount(MethodView):
    @auth_required()
    @blp.response(200, UnreadCountSchema)
    def get(self) -> Any:
        """How many of my notifications are unread."""
        return {"count": notifications.unread_count(session=db.session, user_id=current_user().id)}
