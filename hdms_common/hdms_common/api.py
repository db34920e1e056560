"""flask-smorest base classes, subclassed once for every service (STYLE.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Flask, Response, abort, send_from_directory
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import HTTPException

from hdms_common.errors import handle_http_exception

BEARER_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}

# The files flask-smorest's Swagger UI page loads, served from the pinned swagger-ui-bundle
# package: the docs work offline (``make run`` on a closed network) and no third party learns
# who reads them.
SWAGGER_UI_ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}
)


NUL_MESSAGE = "Must not contain NUL characters."


class Schema(ma.Schema):
    """Request and response schemas: unknown request fields are refused, order kept, and no
    text may carry a NUL character."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    @ma.pre_load
    def refuse_nul_characters(self, data: Any, **kwargs: Any) -> Any:
        """PostgreSQL text cannot hold NUL (it fails the statement), so a NUL anywhere in a
        body or query string is a 422 on its field here rather than a 500 in the database."""
        fields = data
        raw = getattr(data, "data", None)
        if hasattr(raw, "lists"):  # webargs' view of a query string: every repeated value
            fields = dict(raw.lists())  # type: ignore[union-attr]
        if isinstance(fields, Mapping):
            errors = {str(key): [NUL_MESSAGE] for key in fields if _has_nul(key, fields[key])}
            if errors:
                raise ma.ValidationError(errors)
        return data


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """One per documented resource."""


class Api(flask_smorest.Api):  # type: ignore[misc]
    """The service's API: OpenAPI 3 at /api/<prefix>/openapi.json, Swagger UI at /docs."""

    def handle_http_exception(self, error: HTTPException) -> Any:
        return handle_http_exception(error)


class ProblemSchema(Schema):
    """Documents the problem+json body every error has (RFC 7807)."""

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


def _has_nul(*values: Any) -> bool:
    """Whether any string in ``values`` (looking inside lists and mappings) contains NUL."""
    for value in values:
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, Mapping):
            if any(_has_nul(key, item) for key, item in value.items()):
                return True
        elif isinstance(value, list | tuple):
            if _has_nul(*value):
                return True
    return False


def not_blank(value: str) -> None:
    """Validator: a string field that must say something (API.md: blank strings are refused)."""
    if not value.strip():
        raise ma.ValidationError("Must not be blank.")


def no_control_characters(value: str) -> None:
    """Validator for names and titles: control characters only ever come from misuse."""
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ma.ValidationError("Must not contain control characters.")
