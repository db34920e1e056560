"""The shared OpenAPI conventions (response fields required, OPTIONAL, documented
additionalProperties) and cursors that name their sort order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import marshmallow as ma
import pytest
from flask import Flask
from flask.views import MethodView

from hdms_common.api import OPTIONAL, Api, Blueprint, Schema, configure_openapi
from hdms_common.errors import BadRequest
from hdms_common.pagination import decode_cursor, encode_cursor


class PartSchema(Schema):
    name = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    finish = ma.fields.String(allow_none=True, metadata={"enum": ["matt", "gloss"]})


class WidgetSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    colour = ma.fields.String(metadata={"enum": ["red", "blue"]})
    secret = ma.fields.String(load_only=True)
    hint = ma.fields.String(metadata={OPTIONAL: True})
    parts = ma.fields.List(ma.fields.Nested(PartSchema))


class WidgetCreateSchema(Schema):
    colour = ma.fields.String(required=True)
    size = ma.fields.Integer()


class EchoSchema(Schema):
    """Read in a request and written in a response: marshmallow's own required stays."""

    text = ma.fields.String(required=True)
    extra = ma.fields.String()


class PassOnSchema(Schema):
    class Meta:
        unknown = ma.INCLUDE
        openapi_additional_properties = False

    kind = ma.fields.String(required=True)


class RoundSchema(Schema):
    kind = ma.fields.String(required=True, metadata={"enum": ["round"]})
    radius = ma.fields.Integer(required=True)


class SquareSchema(Schema):
    kind = ma.fields.String(required=True, metadata={"enum": ["square"]})
    side = ma.fields.Integer()


class ShapeSchema(Schema):
    """A body whose fields depend on its kind."""

    class Meta:
        unknown = ma.INCLUDE
        openapi_one_of = ("kind", {"round": RoundSchema, "square": SquareSchema})

    kind = ma.fields.String(required=True)


@pytest.fixture
def spec():
    app = Flask("docs_test")
    configure_openapi(app, title="docs test", url_prefix="/api/test")
    api = Api()
    api.init_app(app)
    blp = Blueprint("widgets", __name__, url_prefix="/api/test/widgets")

    @blp.route("/")
    class Widgets(MethodView):
        @blp.arguments(WidgetCreateSchema)
        @blp.response(201, WidgetSchema)
        def post(self, data):
            return data

    @blp.route("/echo")
    class Echo(MethodView):
        @blp.arguments(EchoSchema)
        @blp.response(200, EchoSchema)
        def post(self, data):
            return data

    @blp.route("/shapes")
    class Shapes(MethodView):
        @blp.arguments(ShapeSchema)
        @blp.response(204)
        def post(self, data):
            return None

    @blp.route("/pass-on")
    class PassOn(MethodView):
        @blp.arguments(PassOnSchema)
        @blp.response(204)
        def post(self, data):
            return None

    api.register_blueprint(blp)
    return app.test_client().get("/api/test/openapi.json").get_json()["components"]["schemas"]


def test_response_only_schemas_list_their_dumped_fields_as_required(spec):
    widget = spec["Widget"]
    assert widget["required"] == ["id", "colour", "parts"]  # not load_only, not OPTIONAL
    assert widget["properties"]["colour"]["enum"] == ["red", "blue"]
    assert "hdms_optional" not in widget["properties"]["hint"]
    part = spec["Part"]  # nested in a response: required too, null allowed where it may be
    assert part["required"] == ["name", "note", "finish"]
    assert part["properties"]["note"]["nullable"] is True
    # OpenAPI 3.0.3: nullable does not widen an enum, so null is listed among its values.
    assert part["properties"]["finish"]["enum"] == ["matt", "gloss", None]
    assert widget["properties"]["colour"]["enum"] == ["red", "blue"]


def test_request_schemas_keep_their_own_required(spec):
    assert spec["WidgetCreate"]["required"] == ["colour"]
    assert spec["Echo"]["required"] == ["text"]


def test_a_schema_can_document_its_additional_properties(spec):
    assert spec["PassOn"]["additionalProperties"] is False
    assert spec["WidgetCreate"]["additionalProperties"] is False


def test_a_schema_can_be_documented_as_a_discriminated_union(spec):
    shape = spec["Shape"]
    assert shape["oneOf"] == [
        {"$ref": "#/components/schemas/Round"},
        {"$ref": "#/components/schemas/Square"},
    ]
    assert shape["discriminator"] == {
        "propertyName": "kind",
        "mapping": {"round": "#/components/schemas/Round", "square": "#/components/schemas/Square"},
    }
    assert shape["description"] == "A body whose fields depend on its kind."
    assert spec["Round"]["required"] == ["kind", "radius"]
    assert "properties" not in shape


def test_a_cursor_names_its_order_and_is_refused_for_another():
    from sqlalchemy import Column, DateTime, Uuid
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):
        pass

    class Row(Base):
        __tablename__ = "rows"
        id = Column(Uuid, primary_key=True)
        created_at = Column(DateTime(timezone=True))

    columns = [Row.created_at, Row.id]
    values = [datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), uuid.uuid4()]
    cursor = encode_cursor(values, order="due_at")
    assert decode_cursor(cursor, columns, order="due_at") == values
    with pytest.raises(BadRequest) as refused:
        decode_cursor(cursor, columns, order="-created_at")
    assert "query.cursor" in refused.value.errors
    plain = encode_cursor(values)
    assert decode_cursor(plain, columns) == values
    with pytest.raises(BadRequest):
        decode_cursor(plain, columns, order="due_at")
    with pytest.raises(BadRequest):
        decode_cursor(cursor, columns)
