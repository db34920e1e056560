from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from auth_service.extensions import db
from hdms_common.db import UTCDateTime, utcnow


class RefreshToken(db.Model):  # type: ignore[name-defined,misc]
    """One issued refresh token (by its jti), in a family that rotation extends.

    A token is used once: refreshing marks it used and issues the next of the family. A used
    token presented again means it was stolen or replayed, so the whole family is revoked.
    """

    __tablename__ = "auth_refresh_tokens"

    jti: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    family_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid(), nullable=False, index=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("auth_employees.id", ondelete="CASCADE"), nullable=False, index=True
    )
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
