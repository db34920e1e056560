from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from auth_service.extensions import db
from hdms_common.auth import HDMS_ROLES
from hdms_common.db import Timestamps, UTCDateTime, UUIDPrimaryKey, utcnow


class Employee(UUIDPrimaryKey, Timestamps, db.Model):  # type: ignore[name-defined,misc]
    """An employee; HDMS access comes only from :class:`HdmsGrant` rows."""

    __tablename__ = "auth_employees"
    # Codes are unique whatever their case: logins compare them lower-cased.
    __table_args__ = (
        sa.Index(
            "uq_auth_employees_employee_code_lower", sa.text("lower(employee_code)"), unique=True
        ),
    )

    employee_code: Mapped[str] = mapped_column(sa.String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    department_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("auth_departments.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    #: Access tokens issued before this moment are refused by every service (set when the
    #: employee is deactivated, loses a grant or gets a new password; docs/architecture.md).
    tokens_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime())

    grants: Mapped[list[HdmsGrant]] = relationship(
        back_populates="employee",
        cascade="all, delete-orphan",
        order_by="HdmsGrant.created_at",
        lazy="selectin",
    )

    @property
    def grant_pairs(self) -> list[tuple[str, uuid.UUID]]:
        return [(g.role, g.department_id) for g in self.grants]

    @property
    def hdms_roles(self) -> list[str]:
        return sorted({g.role for g in self.grants})


class HdmsGrant(UUIDPrimaryKey, db.Model):  # type: ignore[name-defined,misc]
    """One HDMS role of an employee in one department."""

    __tablename__ = "auth_hdms_grants"
    __table_args__ = (
        sa.UniqueConstraint("employee_id", "role", "department_id"),
        sa.CheckConstraint(
            "role IN (" + ", ".join(f"'{r}'" for r in HDMS_ROLES) + ")", name="role_known"
        ),
    )

    employee_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("auth_employees.id", ondelete="CASCADE"), nullable=False, index=True
    )
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    department_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("auth_departments.id", ondelete="CASCADE"), nullable=False, index=True
    )
    granted_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    employee: Mapped[Employee] = relationship(back_populates="grants")
