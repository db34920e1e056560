"""Request ids and JSON logging: one request can be followed through every service's log.

The id comes from X-Request-ID when the caller (nginx, another service) sent a sane one, is
made otherwise, is returned on the response, passed on by the service clients, and stamped on
every log line written while the request is handled.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("hdms.access")


def current_request_id() -> str | None:
    """The id of the request being handled, if any."""
    if has_request_context():
        return getattr(g, "request_id", None)
    return None


_default_service = "hdms"
_base_record_factory = logging.getLogRecordFactory()


def _record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Stamp every record with the request id and the service, whichever handler prints it.

    A record factory rather than a handler filter: Alembic's and gunicorn's logging setups
    replace handlers, and the stamp must survive them.
    """
    record = _base_record_factory(*args, **kwargs)
    record.request_id = current_request_id()
    record.service = current_app.name if has_app_context() else _default_service
    return record


class JSONFormatter(logging.Formatter):
    """One JSON object per line, easy to ship and to grep by request_id."""

    _STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
        "message",
        "asctime",
        "request_id",
        "service",
    }

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": getattr(record, "service", None),
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(service: str, *, level: str = "INFO", json_lines: bool = True) -> None:
    """Install one stderr handler on the root logger (idempotent across app factories)."""
    global _default_service
    _default_service = service
    logging.setLogRecordFactory(_record_factory)
    root = logging.getLogger()
    root.setLevel(level)
    if any(getattr(handler, "_hdms", False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._hdms = True  # type: ignore[attr-defined]
    handler.setFormatter(
        JSONFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s [%(service)s %(request_id)s] %(message)s")
    )
    root.addHandler(handler)


def init_request_ids(app: Flask, service: str) -> None:
    """Take or make the request id, echo it, and write one access line per request."""

    @app.before_request
    def _take_request_id() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        request_id = getattr(g, "request_id", None)
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = getattr(g, "request_started", None)
        if started is not None:
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "status": response.status_code,
                    # The body's length as the service sent it (None when streamed): 0 for a
                    # download that nginx serves from X-Accel-Redirect.
                    "bytes": response.calculate_content_length() if response.is_sequence else None,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
        return response
