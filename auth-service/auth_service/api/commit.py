"""The commit of requests that may take access away: commit, then announce (services/access.py)."""

from __future__ import annotations

from flask import current_app

from auth_service.extensions import db
from auth_service.services.access import commit_and_announce
from hdms_common.logging import current_request_id

ACCESS_REDIS = "hdms_access_redis"


def commit_access_changes() -> None:
    """Commit the request's transaction and announce the access changes it made."""
    commit_and_announce(
        session=db.session,
        redis_client=current_app.extensions.get(ACCESS_REDIS),
        request_id=current_request_id(),
    )
