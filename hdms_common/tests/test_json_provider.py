"""Responses are encoded by orjson and mean exactly what the standard provider wrote."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from hdms_common.json_provider import OrjsonProvider


def _apps() -> tuple[Flask, Flask]:
    fast, standard = Flask("fast"), Flask("standard")
    fast.json = OrjsonProvider(fast)
    standard.json = DefaultJSONProvider(standard)
    for app in (fast, standard):
        app.json.sort_keys = False  # type: ignore[attr-defined]
    return fast, standard


def test_the_same_document_in_the_same_key_order():
    fast, standard = _apps()
    body = {
        "z": 1,
        "id": uuid.uuid4(),
        "when": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "amount": Decimal("1.50"),
        "text": "Ünïcode ✓",
        "nested": [{"b": None, "a": 1.25}],
        7: "int key",
    }
    with fast.app_context():
        ours = fast.json.response(body)
    with standard.app_context():
        theirs = standard.json.response(body)
    assert ours.mimetype == theirs.mimetype == "application/json"
    assert ours.get_data().endswith(b"\n")
    assert json.loads(ours.get_data()) == json.loads(theirs.get_data())
    assert list(json.loads(ours.get_data())) == list(json.loads(theirs.get_data()))
    assert json.loads(ours.get_data())["when"] == "Fri, 02 Jan 2026 03:04:05 GMT"


def test_what_orjson_refuses_is_written_by_the_standard_provider():
    fast, _ = _apps()
    with fast.app_context():
        response = fast.json.response({"big": 2**70, "surrogate": "\ud800"})
    assert json.loads(response.get_data()) == {"big": 2**70, "surrogate": "\ud800"}
