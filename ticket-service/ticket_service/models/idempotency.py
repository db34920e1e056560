from __future__ import annotations

from hdms_common.idempotency import IdempotencyKeyMixin
from ticket_service.extensions import db


class IdempotencyKey(IdempotencyKeyMixin, db.Model):  # type: ignore[name-defined,misc]
    """Stored responses of creates sent with an Idempotency-Key."""

    __tablename__ = "idempotency_keys"
