"""Stream a multipart/form-data upload straight to storage while hashing it.

Werkzeug's form parser spools big parts to temporary files and keeps its own limits
(docs/pitfalls.md, "Streamed uploads"); here the body is read in chunks from the WSGI stream,
the file part is written to its final disk as it arrives and hashed on the way, and the size
limit is enforced per chunk, so memory stays bounded by the chunk size whatever the file's size.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from file_service.content_types import SNIFF_BYTES
from file_service.form_data import (
    BaseTarget,
    ParseFailedException,
    StreamingFormDataParser,
    UnexpectedPartException,
)
from file_service.storage import Storage
from hdms_common.errors import BadRequest, Invalid, PayloadTooLarge, UnsupportedMediaType

#: How much is read from the request at a time. gunicorn's chunked-body reader keeps what a
#: socket read returned beyond the size asked for and copies that remainder again on every
#: call, so reading a 1 MiB chunk 64 KiB at a time copied it some 16 times (half the worker's
#: CPU on a 1 GiB upload); fewer, larger reads also mean fewer hash, parser and write calls.
#: Memory stays bounded by a few chunks whatever the file's size.
CHUNK_SIZE = 1024 * 1024
FILE_FIELD = "file"
TEXT_FIELDS = ("purpose", "ticket_id")
MAX_TEXT_FIELD_BYTES = 256
# Bytes after the closing delimiter a client may send (an epilogue is legal but pointless).
_MAX_EPILOGUE = 1024
# The headers of one part (Content-Disposition, Content-Type): far below this in practice.
MAX_PART_HEADER_BYTES = 16 * 1024


class PartHeaderRepair:
    """Passes a multipart body through unchanged, except the header block of each part, whose
    bytes that are not UTF-8 are replaced (U+FFFD).

    Browsers and tools send file names in whatever encoding the client's system uses
    (``caf\\xe9.txt`` in Latin-1); the streaming parser decodes part headers as strict UTF-8
    and would fail on them. The name is then shown with a replacement character instead:
    the upload is accepted and the file's details show the name as it was understood.
    """

    def __init__(self, boundary: bytes) -> None:
        self.first = b"--" + boundary
        self.delimiter = b"\r\n--" + boundary
        self.buffer = b""
        self.in_headers = False
        self.started = False

    def feed(self, chunk: bytes) -> bytes:
        self.buffer += chunk
        out: list[bytes] = []
        if not self.started:
            if len(self.buffer) < len(self.first) + 2:
                return b""
            self.started = True
            if self.buffer.startswith(self.first):
                out.append(self.buffer[: len(self.first) + 2])
                self.buffer = self.buffer[len(self.first) + 2 :]
                self.in_headers = True
        while True:
            if self.in_headers:
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(self.buffer) > MAX_PART_HEADER_BYTES:
                        raise BadRequest("The headers of a multipart part are too long.")
                    break
                head, self.buffer = self.buffer[: end + 4], self.buffer[end + 4 :]
                out.append(head.decode("utf-8", "replace").encode("utf-8"))
                self.in_headers = False
                continue
            at = self.buffer.find(self.delimiter)
            if at < 0:
                keep = len(self.delimiter) + 1
                if len(self.buffer) > keep:
                    out.append(self.buffer[:-keep])
                    self.buffer = self.buffer[-keep:]
                break
            after = at + len(self.delimiter)
            if len(self.buffer) < after + 2:
                out.append(self.buffer[:at])
                self.buffer = self.buffer[at:]
                break
            out.append(self.buffer[: after + 2])
            self.in_headers = self.buffer[after : after + 2] != b"--"
            self.buffer = self.buffer[after + 2 :]
        return b"".join(out)

    def flush(self) -> bytes:
        rest, self.buffer = self.buffer, b""
        return rest


class _FileWriter:
    """Hashes and writes the file's chunks in a real OS thread under gevent, one chunk behind
    the reading of the request.

    In a gevent worker a write is a blocking system call (the kernel holds it back whenever
    the disk lags behind the page cache) and the hash runs on the same thread: meanwhile the
    worker reads nothing from the socket. Handed to the hub's thread pool, both overlap with
    receiving and parsing the next chunk, and both release the GIL. One chunk at most waits,
    so memory stays bounded by the chunk size. Without gevent (the test client, a plain
    WSGI server) the work is done in line.
    """

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()
        self._pool = _os_thread_pool()
        self._pending: Any = None

    def _write(self, chunk: bytes) -> None:
        self.digest.update(chunk)
        self.out.write(chunk)

    def write(self, chunk: bytes) -> None:
        if self._pool is None:
            self._write(chunk)
            return
        self.wait()
        self._pending = self._pool.spawn(self._write, chunk)

    def wait(self) -> None:
        """Until every chunk handed over is written; raises what writing one raised."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.get()

    def abandon(self) -> None:
        """Until no write runs on the file, so that it can be closed and removed; a failure
        to write is no longer of interest then."""
        with contextlib.suppress(Exception):
            self.wait()


def _os_thread_pool() -> Any:
    """gevent's pool of real OS threads when the process is monkey-patched, else None."""
    from gevent import monkey

    if monkey.is_module_patched("threading"):
        import gevent

        return gevent.get_hub().threadpool
    return None


class _FileTarget(BaseTarget):  # type: ignore[misc]
    """Writes the file part to ``out``, hashing and counting; stops writing past the limit."""

    def __init__(self, out: BinaryIO, max_bytes: int) -> None:
        super().__init__()
        self.writer = _FileWriter(out)
        self.max_bytes = max_bytes
        self.size = 0
        self.head = bytearray()
        self.too_large = False
        self.parts = 0
        self.finished = False

    def on_start(self) -> None:
        self.parts += 1

    def on_data_received(self, chunk: bytes) -> None:
        if self.too_large or self.parts > 1:
            return
        self.size += len(chunk)
        if self.size > self.max_bytes:
            self.too_large = True
            return
        if len(self.head) < SNIFF_BYTES:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
        self.writer.write(chunk)

    def on_finish(self) -> None:
        self.finished = True


class _TextTarget(BaseTarget):  # type: ignore[misc]
    """A short text field, bounded so that a huge "purpose" cannot fill memory."""

    def __init__(self) -> None:
        super().__init__()
        self.value = bytearray()
        self.too_long = False
        self.parts = 0

    def on_start(self) -> None:
        self.parts += 1

    def on_data_received(self, chunk: bytes) -> None:
        if len(self.value) + len(chunk) > MAX_TEXT_FIELD_BYTES:
            self.too_long = True
            return
        self.value += chunk


@dataclass
class ReceivedUpload:
    """A file received into storage's incoming area, not yet accepted."""

    incoming: Path
    filename: str
    declared_content_type: str | None
    size: int
    sha256: str
    head: bytes
    fields: dict[str, str] = field(default_factory=dict)


def receive_upload(
    stream: IO[bytes], headers: Mapping[str, str], *, storage: Storage, max_bytes: int
) -> ReceivedUpload:
    """Parse the multipart ``stream`` into storage; any failure leaves nothing behind.

    Raises 400 for a malformed or truncated body, 413 past ``max_bytes``, 422 for missing,
    repeated or unknown fields.
    """
    content_type = headers.get("Content-Type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType("Send the file as multipart/form-data in the field 'file'.")
    try:
        parser = StreamingFormDataParser(headers={"Content-Type": content_type}, strict=True)
    except ParseFailedException as exc:
        raise BadRequest("The multipart body has no boundary.") from exc
    boundary = content_type.split("boundary=", 1)[-1].split(";", 1)[0].strip().strip('"')
    ender = b"--" + boundary.encode("latin-1", "replace") + b"--"
    repair = PartHeaderRepair(boundary.encode("latin-1", "replace"))
    incoming, out = storage.new_incoming()
    target = _FileTarget(out, max_bytes)
    texts = {name: _TextTarget() for name in TEXT_FIELDS}
    parser.register(FILE_FIELD, target)
    for name, text in texts.items():
        parser.register(name, text)
    tail = b""
    keep = len(ender) + _MAX_EPILOGUE
    try:
        with out:
            try:
                while True:
                    chunk = stream.read(CHUNK_SIZE)
                    if not chunk:
                        break
                    tail = (tail + chunk[-keep:])[-keep:]
                    parser.data_received(repair.feed(chunk))
                    if target.too_large:
                        raise PayloadTooLarge(
                            f"The file is larger than the limit of {max_bytes} bytes.",
                            errors={FILE_FIELD: [f"At most {max_bytes} bytes."]},
                        )
                parser.data_received(repair.flush())
                target.writer.wait()
                _check_complete(target, texts, tail, ender)
                # On disk before the row that points at it is committed.
                out.flush()
                os.fsync(out.fileno())
            finally:
                target.writer.abandon()
        fields = {name: _decode(name, t) for name, t in texts.items() if t.parts}
    except UnexpectedPartException as exc:
        storage.discard_incoming(incoming)
        raise Invalid(
            "The upload has an unknown field.",
            errors={str(exc.part_name): ["Unknown field."]},
        ) from exc
    except ParseFailedException as exc:
        storage.discard_incoming(incoming)
        raise BadRequest("The multipart body is malformed.") from exc
    except BaseException:
        # Client disconnects, limits, anything: the partial file must not stay on disk.
        storage.discard_incoming(incoming)
        raise
    return ReceivedUpload(
        incoming=incoming,
        filename=target.multipart_filename or "",
        declared_content_type=target.multipart_content_type,
        size=target.size,
        sha256=target.writer.digest.hexdigest(),
        head=bytes(target.head),
        fields=fields,
    )


def _check_complete(
    target: _FileTarget, texts: Mapping[str, _TextTarget], tail: bytes, ender: bytes
) -> None:
    if ender not in tail:
        raise BadRequest("The multipart body is truncated (no closing boundary).")
    if target.parts == 0:
        raise Invalid(
            "No file was sent.", errors={FILE_FIELD: ["Missing data for required field."]}
        )
    if not target.finished:
        raise BadRequest("The multipart body is truncated.")
    errors: dict[str, list[str]] = {}
    if target.parts > 1:
        errors[FILE_FIELD] = ["Send exactly one file."]
    for name, text in texts.items():
        if text.parts > 1:
            errors[name] = ["Send this field once."]
        elif text.too_long:
            errors[name] = [f"At most {MAX_TEXT_FIELD_BYTES} bytes."]
    if errors:
        raise Invalid("Some fields are invalid.", errors=errors)


def _decode(name: str, text: _TextTarget) -> str:
    try:
        return bytes(text.value).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid("Some fields are invalid.", errors={name: ["Not valid UTF-8."]}) from exc
