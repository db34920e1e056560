"""The web application's static export as a WSGI app: what nginx does for / in the stack.

`/sign-in` is sign-in.html, `/` is index.html, any other existing file is itself (the RSC
payloads *.txt, /_next/static/...), and an unknown path is 404.html with status 404. HTML is
revalidated on every load (ETag, Last-Modified, `Cache-Control: no-cache`); the hashed files
under /_next/static/ are cached for good. Only GET and HEAD; nothing outside the folder, and
no dotfile (the build stamp), is ever served.
"""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Callable, Iterable, Iterator
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

from hdms_run import gateway

IMMUTABLE = "public, max-age=31536000, immutable"
CHUNK = 64 * 1024
#: Content types for what a Next.js export contains (mimetypes differs between systems).
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}
_HOST = re.compile(r"[A-Za-z0-9.:-]{1,255}")

StartResponse = Callable[..., Any]


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TYPES:
        return TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def security_headers(environ: dict[str, Any], *, html: bool) -> list[tuple[str, str]]:
    """The gateway's security headers, and the web application's CSP on HTML."""
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
    ]
    if html:
        host = environ.get("HTTP_HOST", "")
        sockets = f"ws://{host} wss://{host}" if _HOST.fullmatch(host) else ""
        headers.append(("Content-Security-Policy", gateway.content_security_policy(sockets)))
    return headers


class StaticSite:
    """Serves `root` (a static export). `fallback` answers what is not GET or HEAD."""

    def __init__(self, root: Path, fallback: Callable[..., Iterable[bytes]]) -> None:
        self.root = root.resolve()
        self.fallback = fallback

    def resolve(self, path_info: str) -> Path | None:
        """The file a request path names, or None (also for anything that leaves the root)."""
        try:
            # WSGI gives the decoded path as latin-1 code points of the original bytes.
            path = path_info.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
        if "\0" in path or "\\" in path or not path.startswith("/"):
            return None
        parts = [part for part in path.split("/") if part]
        if any(part.startswith(".") for part in parts):  # "..", "." and dotfiles
            return None
        relative = "/".join(parts)
        candidates = (
            [relative, f"{relative}.html", f"{relative}/index.html"] if parts else ["index.html"]
        )
        for candidate in candidates:
            file = self.root / candidate
            try:
                real = file.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if real.is_file() and real.is_relative_to(self.root):
                return real
        return None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return self.fallback(environ, start_response)
        file = self.resolve(environ.get("PATH_INFO", "") or "/")
        if file is not None:
            return self.send(environ, start_response, file, "200 OK")
        page = self.root / "404.html"
        if page.is_file():
            return self.send(environ, start_response, page, "404 Not Found")
        return self.fallback(environ, start_response)

    def send(
        self, environ: dict[str, Any], start_response: StartResponse, file: Path, status: str
    ) -> Iterable[bytes]:
        stat = file.stat()
        kind = content_type(file)
        html = kind.startswith("text/html")
        immutable = status.startswith("200") and file.relative_to(self.root).parts[:2] == (
            "_next",
            "static",
        )
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        headers = [
            ("Content-Type", kind),
            ("Cache-Control", IMMUTABLE if immutable else "no-cache"),
            ("ETag", etag),
            ("Last-Modified", formatdate(stat.st_mtime, usegmt=True)),
            *security_headers(environ, html=html),
        ]
        if status.startswith("200") and not_modified(environ, etag, stat.st_mtime):
            start_response("304 Not Modified", headers)
            return []
        headers.append(("Content-Length", str(stat.st_size)))
        start_response(status, headers)
        if environ.get("REQUEST_METHOD") == "HEAD":
            return []
        handle = file.open("rb")
        wrapper = environ.get("wsgi.file_wrapper")
        if wrapper is not None:
            return wrapper(handle, CHUNK)  # type: ignore[no-any-return]
        return _chunks(handle)


def _chunks(handle: Any) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def not_modified(environ: dict[str, Any], etag: str, mtime: float) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110 13.1.3)."""
    match = environ.get("HTTP_IF_NONE_MATCH")
    if match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in match.split(",")]
        return "*" in tags or etag in tags
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since:
        try:
            return int(mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


def web_root_from(value: str | os.PathLike[str] | None) -> Path | None:
    """An export folder that has an index.html, else None."""
    if not value:
        return None
    root = Path(value)
    return root if (root / "index.html").is_file() else None
