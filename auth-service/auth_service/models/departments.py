from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from auth_service.extensions import db
from hdms_common.db import Timestamps, UUIDPrimaryKey


class Department(UUIDPrimaryKey, Timestamps, db.Model):  # type: ignore[name-defined,misc]
    """A department of the company; tickets are opened for one."""

    __tablename__ = "auth_departments"

    name: Mapped[str] = mapped_column(sa.String(120), unique=True, nullable=False)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
