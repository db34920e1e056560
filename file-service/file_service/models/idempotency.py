from __future__ import annotations

from file_service.extensions import db
from hdms_common.idempotency import IdempotencyKeyMixin


class IdempotencyKey(IdempotencyKeyMixin, db.Model):  # type: ignore[name-defined,misc]
    """Uploads sent with an Idempotency-Key: the key, the upload's fingerprint, the response."""

    __tablename__ = "file_idempotency_keys"
