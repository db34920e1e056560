"""One error vocabulary and one handler: every failure leaves a service as problem+json.

Services raise the domain errors below; werkzeug, flask-smorest/webargs, marshmallow and
flask-jwt-extended errors are translated here too, so that a client never sees an HTML page,
a framework-specific body or a traceback (docs/api.md, "Errors"; RFC 7807).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

PROBLEM_MIMETYPE = "application/problem+json"
log = logging.getLogger(__name__)

_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    410: "Gone",
    412: "Precondition Failed",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    416: "Range Not Satisfiable",
    422: "Unprocessable Entity",
    428: "Precondition Required",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class DomainError(Exception):
    """Base of the errors services raise; ``status`` picks the HTTP status."""

    status = 400
    slug = "bad-request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.__class__.__name__)
        self.detail = detail
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers) if headers else {}
        self.extra = extra


class BadRequest(DomainError):
    status, slug = 400, "bad-request"


class Unauthorized(DomainError):
    status, slug = 401, "unauthorized"


class Forbidden(DomainError):
    status, slug = 403, "forbidden"


class NotFound(DomainError):
    status, slug = 404, "not-found"


class Conflict(DomainError):
    status, slug = 409, "conflict"


class IllegalTransition(Conflict):
    slug = "illegal-transition"


class Gone(DomainError):
    status, slug = 410, "gone"


class StaleVersion(DomainError):
    status, slug = 412, "stale-version"


class PayloadTooLarge(DomainError):
    status, slug = 413, "payload-too-large"


class UnsupportedMediaType(DomainError):
    status, slug = 415, "unsupported-media-type"


class Invalid(DomainError):
    status, slug = 422, "invalid"


class RateLimited(DomainError):
    status, slug = 429, "rate-limited"


class DependencyUnavailable(DomainError):
    status, slug = 503, "dependency-unavailable"


def problem_response(
    status: int,
    *,
    detail: str | None = None,
    slug: str | None = None,
    title: str | None = None,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """Build an RFC 7807 response; ``errors`` carries field -> messages for validation."""
    body: dict[str, Any] = {
        "type": f"urn:hdms:problem:{slug or _default_slug(status)}",
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail or title or _TITLES.get(status, "Error"),
    }
    if errors:
        body["errors"] = dict(errors)
    body.update(extra)
    request_id = getattr(g, "request_id", None) if _has_request() else None
    if request_id:
        body["request_id"] = request_id
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401 and "WWW-Authenticate" not in response.headers:
        # Every 401 names the scheme (RFC 9110), whichever check refused the token.
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _has_request() -> bool:
    try:
        return bool(request)
    except RuntimeError:
        return False


def _default_slug(status: int) -> str:
    return _TITLES.get(status, "error").lower().replace(" ", "-")


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten marshmallow/webargs messages to ``{"field": [...], "query.limit": [...]}``.

    The body's location (json, form, files) is dropped because it is the default; other
    locations (query, headers, path) stay as a prefix so that clients can tell them apart.
    """
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, Mapping):
                flat.update(flatten_messages(value, name))
            elif isinstance(value, list) and value and isinstance(value[0], Mapping):
                for item in value:
                    flat.update(flatten_messages(item, name))
            elif isinstance(value, list):
                flat.setdefault(name, []).extend(str(v) for v in value)
            else:
                flat.setdefault(name, []).append(str(value))
    elif isinstance(messages, list):
        flat.setdefault(prefix or "_schema", []).extend(str(m) for m in messages)
    elif messages is not None:
        flat.setdefault(prefix or "_schema", []).append(str(messages))
    return flat


def webargs_messages(messages: Mapping[str, Any]) -> dict[str, list[str]]:
    """Flatten webargs' ``{location: {field: [...]}}`` to ``{field: [...]}`` (or ``query.field``).

    See docs/pitfalls.md, "Request bodies and errors".
    """
    flat: dict[str, list[str]] = {}
    for location, fields in messages.items():
        prefix = "" if location in ("json", "form", "files", "json_or_form") else location
        flat.update(flatten_messages(fields, prefix))
    return flat


def _handle_domain_error(error: DomainError) -> Response:
    return problem_response(
        error.status,
        detail=error.detail,
        slug=error.slug,
        errors=error.errors,
        headers=error.headers,
        **error.extra,
    )


# Headers werkzeug's own error responses carry that a client needs with the problem body:
# the methods a 405 allows, the length a 416 had to fit, when to come back after a 429 or 503.
KEPT_ERROR_HEADERS = ("Allow", "Content-Range", "Retry-After", "WWW-Authenticate")


def handle_http_exception(error: HTTPException) -> Response:
    """werkzeug/flask-smorest HTTP errors, including webargs' 422 with nested messages."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = None
    messages = (data.get("errors") or data.get("messages")) if isinstance(data, Mapping) else None
    if messages:
        errors = webargs_messages(messages) if isinstance(messages, Mapping) else None
        if errors is None:
            errors = flatten_messages(messages)
    detail = data.get("message") if isinstance(data, Mapping) else None
    if not detail:
        detail = error.description if status != 422 else "Some fields are invalid."
    if status == 422 and errors and "json" in errors and len(errors) == 1:
        # webargs reports a body that is not a JSON object under the location itself.
        errors = {"_schema": errors["json"]}
    if status == 400 and errors and any(k.startswith("json") or k == "_schema" for k in errors):
        detail = "The request body is not valid JSON or not a JSON object."
    headers = dict(data.get("headers") or {}) if isinstance(data, Mapping) else {}
    own_headers = error.get_response().headers
    for name in KEPT_ERROR_HEADERS:
        if own_headers.get(name) and name not in headers:
            headers[name] = own_headers[name]
    return problem_response(status, detail=detail, errors=errors, headers=headers)


def _handle_validation_error(error: ValidationError) -> Response:
    return problem_response(
        422, detail="Some fields are invalid.", errors=flatten_messages(error.messages)
    )


def _handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error: %s", error.__class__.__name__)
    return problem_response(500, detail="An unexpected error occurred.")


def register_error_handlers(app: Flask) -> None:
    """Route every error of ``app`` through problem+json. Call after the Api is set up."""
    app.register_error_handler(DomainError, _handle_domain_error)
    app.register_error_handler(ValidationError, _handle_validation_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, _handle_unexpected)
