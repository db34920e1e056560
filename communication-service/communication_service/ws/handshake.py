"""The start of every socket: who is this (JWT from ?token= or a first auth frame)."""

from __future__ import annotations

from typing import Any

from flask import request

from communication_service.ws.connection import CLOSE_UNAUTHORIZED, Connection, parse_frame
from hdms_common.auth import CurrentUser, decode_access_token
from hdms_common.errors import Unauthorized


def authenticate(connection: Connection, secret: str) -> CurrentUser | None:
    """The caller, or None after closing the socket with 4401."""
    token = request.args.get("token", "")
    if not token:
        data: Any = None
        try:
            data = connection.ws.receive(timeout=connection.limits.auth_timeout)
        except Exception:  # noqa: BLE001 - a peer gone before authenticating
            return None
        frame = parse_frame(data) if data is not None else None
        if frame is None or frame.get("type") != "auth" or not isinstance(frame.get("token"), str):
            connection.close_now(CLOSE_UNAUTHORIZED, "Authentication required")
            return None
        token = frame["token"]
    try:
        user = decode_access_token(token, secret)
    except Unauthorized as exc:
        connection.close_now(CLOSE_UNAUTHORIZED, str(exc.detail or "Invalid token")[:120])
        return None
    if not user.roles:
        connection.close_now(CLOSE_UNAUTHORIZED, "No HDMS access")
        return None
    return user
