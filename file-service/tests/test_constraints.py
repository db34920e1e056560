"""The table defends itself: states tied to their columns, a file's identity immutable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError, InternalError

from hdms_common.testing.plugin import TestUser


@pytest.mark.parametrize(
    "values",
    [
        {"sha256": "0" * 64},
        {"size": 1},
        {"file_key": "y" * 32},
        {"status": "ready"},  # ready without processed_at nor a scan
        {"status": "failed"},  # failed without a reason
        {"status": "infected"},  # infected without a scan result
        {"conversion_error": "No preview."},  # a conversion error on a file not ready
        {"status": "clean"},  # not a status
    ],
)
def test_the_database_refuses_inconsistent_or_identity_changing_updates(
    app: Flask, send_upload: Callable[..., Any], requestor: TestUser, values: dict[str, Any]
) -> None:
    from file_service.extensions import db
    from file_service.models import Attachment

    key = send_upload(requestor, "a.txt", b"text\n").get_json()["file_key"]
    with app.app_context():
        with pytest.raises((IntegrityError, InternalError)):
            db.session.execute(
                sa.update(Attachment).where(Attachment.file_key == key).values(**values)
            )
            db.session.flush()
        db.session.rollback()
        row = db.session.scalar(sa.select(Attachment).filter_by(file_key=key))
        assert (row.status, row.size) == ("pending", 5)
        db.session.rollback()
