"""One check of the download contract, whoever sends the bytes.

file-service sends a file itself (tests, the embedded mode) or tells nginx where it is
(X-Accel-Redirect, the stack and production). A client must not be able to tell the two apart:
the same status codes, bytes and headers (docs/api.md, file-service downloads). Tests of each
mode fetch through their own client and hand the answers to :func:`assert_download_contract`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: What every download answer carries, the same in both modes.
CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"
CACHE_CONTROL = "private, no-cache"


@dataclass(frozen=True)
class Fetched:
    """A download's answer: status, every value of each header (by lower-case name), body."""

    status: int
    headers: Mapping[str, list[str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The header's one value; a header sent twice fails (two CSPs, two ETags)."""
        values = self.headers.get(name.lower(), [])
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
        return values[0] if values else None


def from_werkzeug(response: Any) -> Fetched:
    """A Flask test client's response (file-service sending the bytes itself)."""
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.items():
        headers.setdefault(name.lower(), []).append(value)
    body = response.get_data()
    response.close()
    return Fetched(response.status_code, headers, body)


def from_requests(response: Any) -> Fetched:
    """A ``requests`` response (through nginx); its raw headers keep repeated fields apart."""
    headers: dict[str, list[str]] = {}
    for name, value in response.raw.headers.items():
        headers.setdefault(name.lower(), []).append(value)
    return Fetched(response.status_code, headers, response.content)


def assert_download_headers(answer: Fetched, *, etag: str, disposition: str) -> None:
    """The headers of a 200 or 206 download."""
    assert answer.header("ETag") == f'"{etag}"'
    assert answer.header("Content-Security-Policy") == CONTENT_SECURITY_POLICY
    assert answer.header("X-Content-Type-Options") == "nosniff"
    assert answer.header("Content-Disposition") == disposition
    assert answer.header("Cache-Control") == CACHE_CONTROL
    assert answer.header("Content-Encoding") is None  # the stored bytes, never re-encoded


def assert_download_contract(
    fetch: Callable[[Mapping[str, str]], Fetched],
    *,
    data: bytes,
    etag: str,
    content_type: str,
    disposition: str,
) -> None:
    """Fetch the download (``fetch(extra request headers)``) in every way a client does:
    whole, conditionally with its own and another ETag, and in ranges."""
    whole = fetch({"Accept-Encoding": "gzip"})
    assert (whole.status, whole.body) == (200, data)
    assert_download_headers(whole, etag=etag, disposition=disposition)
    assert (whole.header("Content-Type") or "").split(";")[0] == content_type
    assert whole.header("Content-Length") == str(len(data))
    assert whole.header("Accept-Ranges") == "bytes"

    unchanged = fetch({"If-None-Match": f'"{etag}"'})
    assert (unchanged.status, unchanged.body) == (304, b"")
    assert_download_headers(unchanged, etag=etag, disposition=disposition)
    among_others = fetch({"If-None-Match": f'"0000", W/"{etag}"'})
    assert (among_others.status, among_others.body) == (304, b"")
    changed = fetch({"If-None-Match": '"an-older-version"'})
    assert (changed.status, changed.body) == (200, data)
    assert_download_headers(changed, etag=etag, disposition=disposition)

    part = fetch({"Range": "bytes=2-5", "Accept-Encoding": "gzip"})
    assert (part.status, part.body) == (206, data[2:6])
    assert part.header("Content-Range") == f"bytes 2-5/{len(data)}"
    assert_download_headers(part, etag=etag, disposition=disposition)
    tail = fetch({"Range": "bytes=-3"})
    assert (tail.status, tail.body, tail.header("Content-Range")) == (
        206,
        data[-3:],
        f"bytes {len(data) - 3}-{len(data) - 1}/{len(data)}",
    )
