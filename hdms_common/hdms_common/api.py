"""flask-smorest base classes, subclassed once for every service (docs/style.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import flask_smorest
import marshmallow as ma
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import get_fields
from apispec.ext.marshmallow.openapi import OpenAPIConverter
from flask import Flask, Request, Response, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from hdms_common.errors import handle_http_exception

BEARER_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}

# The files flask-smorest's Swagger UI page loads, served from the pinned swagger-ui-bundle
# package: the docs work offline (``make run`` on a closed network) and no third party learns
# who reads them.
SWAGGER_UI_ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}
)


NUL_MESSAGE = "Must not contain NUL characters."
SURROGATE_MESSAGE = "Must not contain unpaired surrogates (text that is not valid Unicode)."


class Schema(ma.Schema):
    """Request and response schemas: unknown request fields are refused, order kept, and no
    text may carry a character that cannot be stored (NUL, an unpaired surrogate)."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    @ma.pre_load
    def refuse_unstorable_characters(self, data: Any, **kwargs: Any) -> Any:
        """PostgreSQL text cannot hold NUL (it fails the statement) and a lone surrogate such as
        JSON's ``"\\ud800"`` cannot even be encoded as UTF-8 for it: either, anywhere in a body
        or query string, is a 422 on its field here rather than a 500 in the database."""
        fields = data
        raw = getattr(data, "data", None)
        if hasattr(raw, "lists"):  # webargs' view of a query string: every repeated value
            fields = dict(raw.lists())  # type: ignore[union-attr]
        if isinstance(fields, Mapping):
            errors: dict[str, list[str]] = {}
            for key in fields:
                problem = _unstorable(key, fields[key])
                if problem:
                    errors[_printable(str(key))] = [problem]
            if errors:
                raise ma.ValidationError(errors)
        return data


#: Field metadata of a response field that some responses leave out (the others are required).
OPTIONAL = "hdms_optional"

# Schema classes used to describe responses, and those used to read requests (with every schema
# they nest). A schema only ever dumped lists all its fields as required in the OpenAPI
# document, so that generated clients need not treat each field as possibly missing.
_RESPONSE_SCHEMAS: set[type[ma.Schema]] = set()
_REQUEST_SCHEMAS: set[type[ma.Schema]] = set()


def _schema_class(schema: Any) -> type[ma.Schema] | None:
    if isinstance(schema, type) and issubclass(schema, ma.Schema):
        return schema
    if isinstance(schema, ma.Schema):
        return type(schema)
    return None


def _nested_schemas(field: ma.fields.Field[Any]) -> Iterator[Any]:
    if isinstance(field, ma.fields.Nested):
        yield field.nested
    elif isinstance(field, ma.fields.List):
        yield from _nested_schemas(field.inner)
    elif isinstance(field, ma.fields.Tuple):
        for inner in field.tuple_fields:
            yield from _nested_schemas(inner)
    elif isinstance(field, ma.fields.Dict) and field.value_field is not None:
        yield from _nested_schemas(field.value_field)


def _mark(schema: Any, registry: set[type[ma.Schema]]) -> None:
    cls = _schema_class(schema)
    if cls is None or cls in registry:
        return
    registry.add(cls)
    for field in cls._declared_fields.values():
        for nested in _nested_schemas(field):
            _mark(nested, registry)


def is_response_only(schema: Any) -> bool:
    """Whether ``schema`` describes responses and never reads a request."""
    cls = _schema_class(schema)
    return cls in _RESPONSE_SCHEMAS and cls not in _REQUEST_SCHEMAS


def _has_body(request: Request) -> bool:
    """Whether the client sent a body: a length above zero, or a chunked one."""
    if request.content_length:
        return True
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


class JsonBodyParser(FlaskParser):
    """webargs' Flask parser, stricter about what a JSON operation receives.

    - A body in another format (text/plain, XML, a form) is a 415: webargs would ignore it and
      report every required field missing (a misleading 422). No body at all is left to the
      schema, so that operations whose body is optional keep working without one.
    - JSON too deep for the parser (``[[[[...`` 100,000 levels: RecursionError) or with an
      integer past Python's digit limit (ValueError) is a 400 like any other unreadable JSON.
    """

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            if _has_body(req):
                raise UnsupportedMediaType(
                    "This operation takes a JSON body: send it as Content-Type: application/json."
                )
            return webargs_core.missing
        try:
            return webargs_core.parse_json(req.get_data(cache=True))
        except json.JSONDecodeError:
            raise
        except (RecursionError, ValueError) as exc:
            # webargs answers a JSONDecodeError with its usual 400 "Invalid JSON body." (an empty
            # document would mean "no body", hence a placeholder)
            raise json.JSONDecodeError(type(exc).__name__, "unreadable", 0) from None


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """One per documented resource; bodies are read by :class:`JsonBodyParser`."""

    ARGUMENTS_PARSER = JsonBodyParser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        _mark(schema, _REQUEST_SCHEMAS)
        # One instance for every request: given a class, webargs would build a new schema
        # (deep-copying each of its fields) on every request. Loading keeps no state on it.
        if isinstance(schema, type) and issubclass(schema, ma.Schema):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)

    def response(self, status_code: Any, schema: Any = None, *args: Any, **kwargs: Any) -> Any:
        _mark(schema, _RESPONSE_SCHEMAS)
        return super().response(status_code, schema, *args, **kwargs)

    def alt_response(self, status_code: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("schema") is not ProblemSchema:  # its members vary with the error
            _mark(kwargs.get("schema"), _RESPONSE_SCHEMAS)
        return super().alt_response(status_code, *args, **kwargs)


class ResponseAwareConverter(OpenAPIConverter):
    """Lists every field of a response-only schema as required, except those whose metadata
    says :data:`OPTIONAL`; a field that may be null is required and nullable.

    A schema whose Meta sets ``openapi_additional_properties`` documents that value (a schema
    that passes fields on to another for checking, but documents them all).

    A schema whose Meta sets ``openapi_one_of = (property_name, {value: schema})`` is
    documented as a ``oneOf`` of those schemas with a discriminator on ``property_name``: a body
    whose shape depends on one field (the life-cycle action of a status change), so that
    generated clients type each variant exactly. Loading is unchanged: the schema itself still
    reads the request.
    """

    def field2property(self, field: ma.fields.Field[Any]) -> dict[str, Any]:
        """A nullable field with an enum lists null among its values: OpenAPI 3.0.3 says
        ``nullable`` does not widen an ``enum``, so validators refuse a null it lacks."""
        prop: dict[str, Any] = super().field2property(field)
        if prop.get("nullable") and "enum" in prop and None not in prop["enum"]:
            prop["enum"] = [*prop["enum"], None]
        return prop

    def schema2jsonschema(self, schema: Any) -> dict[str, Any]:
        one_of = getattr(getattr(schema, "Meta", None), "openapi_one_of", None)
        if one_of is not None:
            return self._discriminated_union(schema, *one_of)
        jsonschema: dict[str, Any] = super().schema2jsonschema(schema)  # type: ignore[no-untyped-call]
        documented = getattr(getattr(schema, "Meta", None), "openapi_additional_properties", None)
        if documented is not None:
            jsonschema["additionalProperties"] = documented
        if not is_response_only(schema):
            return jsonschema
        fields = {field.data_key or name: field for name, field in get_fields(schema).items()}
        required = [
            name
            for name in jsonschema.get("properties", {})
            if name in fields
            and not fields[name].load_only
            and not fields[name].metadata.get(OPTIONAL)
        ]
        if required:
            jsonschema["required"] = required
        return jsonschema

    def _discriminated_union(
        self, schema: Any, property_name: str, variants: Mapping[str, type[ma.Schema]]
    ) -> dict[str, Any]:
        refs = {
            value: self.resolve_nested_schema(variant)  # type: ignore[no-untyped-call]
            for value, variant in variants.items()
        }
        union: dict[str, Any] = {
            "oneOf": list(refs.values()),
            "discriminator": {
                "propertyName": property_name,
                "mapping": {value: ref["$ref"] for value, ref in refs.items()},
            },
        }
        if schema.__doc__:
            union["description"] = " ".join(schema.__doc__.split())
        return union


class ResponseAwareMarshmallowPlugin(MarshmallowPlugin):
    Converter = ResponseAwareConverter


class Api(flask_smorest.Api):  # type: ignore[misc]
    """The service's API: OpenAPI 3 at /api/<prefix>/openapi.json, Swagger UI at /docs."""

    def init_app(self, app: Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None:
        kwargs = {"marshmallow_plugin": ResponseAwareMarshmallowPlugin(), **(spec_kwargs or {})}
        super().init_app(app, spec_kwargs=kwargs)

    def handle_http_exception(self, error: HTTPException) -> Any:
        return handle_http_exception(error)


class ProblemSchema(Schema):
    """Documents the problem+json body every error has (RFC 7807). Some errors add members
    (``allowed_actions`` of an illegal transition, ``current_version`` of a stale one), so the
    document allows more properties than these."""

    class Meta(Schema.Meta):
        openapi_additional_properties = True

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()))
    request_id = ma.fields.String()


Api.ERROR_SCHEMA = ProblemSchema


def configure_openapi(app: Flask, *, title: str, url_prefix: str, version: str = "1.0") -> None:
    """Set flask-smorest's OpenAPI settings so every service documents itself the same way."""
    app.config.update(
        API_TITLE=title,
        API_VERSION=version,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=url_prefix,
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=f"{url_prefix}/docs/assets/",
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"bearerAuth": BEARER_SCHEME}},
            "security": [{"bearerAuth": []}],
        },
    )
    app.add_url_rule(f"{url_prefix}/docs/assets/<filename>", "swagger_ui_asset", swagger_ui_asset)


def swagger_ui_asset(filename: str) -> Response:
    """One of Swagger UI's files; only those the docs page loads, so nothing else of the
    package is reachable."""
    if filename not in SWAGGER_UI_ASSETS:
        abort(404)
    return send_from_directory(str(swagger_ui_path), filename, max_age=86400)


def _unstorable(*values: Any) -> str | None:
    """Why a string in ``values`` (looking inside lists and mappings) cannot be stored, if one
    cannot: it holds NUL or an unpaired surrogate."""
    for value in values:
        if isinstance(value, str):
            if "\x00" in value:
                return NUL_MESSAGE
            if _has_surrogate(value):
                return SURROGATE_MESSAGE
        elif isinstance(value, Mapping):
            for key, item in value.items():
                problem = _unstorable(key, item)
                if problem:
                    return problem
        elif isinstance(value, list | tuple):
            problem = _unstorable(*value)
            if problem:
                return problem
    return None


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(name: str) -> str:
    """A field name safe to echo back (an unknown field's own name may be the bad text)."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


#: Characters that show nothing: a text of only these (and spaces) says nothing.
INVISIBLE_CHARACTERS = frozenset("\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\ufeff")
#: Bidirectional embedding, override and isolate controls: in a one-line name or title they
#: only ever serve to make text read differently from what it is ("gpj.exe" shown as
#: "exe.jpg"), so single-line fields drop them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BIDI_TABLE = dict.fromkeys(map(ord, BIDI_CONTROLS))


def not_blank(value: str) -> None:
    """Validator: a string field that must say something (docs/api.md: blank text is refused).

    Blank is empty, spaces, or characters that show nothing (zero-width spaces and joiners,
    the byte order mark, bidi controls)."""
    if all(c.isspace() or c in INVISIBLE_CHARACTERS or c in BIDI_CONTROLS for c in value):
        raise ma.ValidationError("Must not be blank.")


class SingleLineText(ma.fields.String):
    """A one-line name or title: bidi controls are taken out on the way in (docs/api.md,
    "Text fields"). Validators (length, :func:`not_blank`, :func:`no_control_characters`) run
    on the cleaned text."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return text.translate(_BIDI_TABLE)


#: The range of instants HDMS accepts (docs/api.md, "Formats"): wide enough for any real date,
#: far enough from the ends of the calendar that date arithmetic (SLA clocks, time zones) never
#: overflows.
EARLIEST_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(9000, 12, 31, 23, 59, 59, tzinfo=UTC)


class Instant(ma.fields.AwareDateTime):
    """An ISO 8601 time with its offset, returned in UTC, between 1900 and the end of 9000."""

    default_error_messages = {  # noqa: RUF012 - marshmallow's own convention
        "out_of_range": "Must be between 1900-01-01 and 9000-12-31 (UTC).",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:59:59-12:00 is past the calendar in UTC
            raise self.make_error("out_of_range") from None
        if not EARLIEST_INSTANT <= moment <= LATEST_INSTANT:
            raise self.make_error("out_of_range")
        return moment


#: The largest version a row can reach (a 32-bit integer column).
MAX_VERSION = 2**31 - 1


class Version(ma.fields.Integer):
    """An optimistic-lock version: a positive integer a row can hold."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", ma.validate.Range(min=1, max=MAX_VERSION))
        super().__init__(**kwargs)


def parse_version_header(value: str) -> int | None:
    """The version in an If-Match header (``7``, ``"7"`` or ``W/"7"``); None when it is not one
    (other digits than ASCII, or more than a version can be)."""
    raw = value.strip().removeprefix("W/").strip('"')
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(MAX_VERSION)):
        return None
    version = int(raw)
    return version if 1 <= version <= MAX_VERSION else None


def no_control_characters(value: str) -> None:
    """Validator for names and titles: control characters only ever come from misuse."""
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ma.ValidationError("Must not contain control characters.")
