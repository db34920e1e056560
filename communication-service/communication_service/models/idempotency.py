from __future__ import annotations

from communication_service.extensions import db
from hdms_common.idempotency import IdempotencyKeyMixin


class IdempotencyKey(IdempotencyKeyMixin, db.Model):  # type: ignore[name-defined,misc]
    """Stored responses of creates sent with an Idempotency-Key."""

    __tablename__ = "communication_idempotency_keys"
