"""Antivirus scanning: a small clamd INSTREAM client, and the embedded mode's EICAR-only scanner.

INSTREAM (clamd(8)): send ``zINSTREAM\\0``, then chunks of a 4-byte big-endian length and the
data, then a zero-length chunk; clamd answers ``stream: OK``, ``stream: <name> FOUND`` or an
error. Past StreamMaxLength it answers ``INSTREAM size limit exceeded`` and closes: that is
never "clean" (the file is treated as infected, docs/pitfalls.md).
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

CHUNK_SIZE = 64 * 1024
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EMBEDDED_ENGINE = "hdms-embedded EICAR-only test scanner (no real antivirus)"
SIZE_LIMIT_SIGNATURE = "Heuristics.Limits.Exceeded.StreamMaxLength"


class ScannerUnavailable(Exception):
    """The scanner could not be reached or answered nonsense: retry later, never "clean"."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str | None
    engine: str


class Scanner(Protocol):
    def scan(self, path: Path) -> ScanResult: ...


def _parse_address(address: str) -> tuple[int, str | tuple[str, int]]:
    if address.startswith("/") or address.startswith("unix:"):
        return socket.AF_UNIX, address.removeprefix("unix:")
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"CLAMD_ADDRESS must be host:port or a socket path, got {address!r}")
    return socket.AF_INET, (host or "127.0.0.1", int(port))


class ClamdScanner:
    """Scans over clamd's socket (CLAMD_ADDRESS: ``host:port`` or a unix socket path)."""

    def __init__(self, address: str, *, timeout: float = 60.0) -> None:
        self.family, self.address = _parse_address(address)
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        sock = socket.socket(self.family, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.address)
        except OSError as exc:
            sock.close()
            raise ScannerUnavailable(f"clamd unreachable: {exc}") from exc
        return sock

    def _command(self, command: bytes) -> str:
        with self._connect() as sock:
            try:
                sock.sendall(b"z" + command + b"\0")
                return _read_reply(sock)
            except OSError as exc:
                raise ScannerUnavailable(f"clamd failed: {exc}") from exc

    def version(self) -> str:
        """clamd's engine and database version, e.g. ``ClamAV 1.0.7/1/Thu Jan 1 ...``."""
        return self._command(b"VERSION")

    def scan(self, path: Path) -> ScanResult:
        engine = self.version()
        with self._connect() as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                with path.open("rb") as source:
                    while chunk := source.read(CHUNK_SIZE):
                        sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                sock.sendall(struct.pack(">I", 0))
                reply = _read_reply(sock)
            except (BrokenPipeError, ConnectionResetError):
                # clamd closes the socket once StreamMaxLength is passed; its reply (if any)
                # is already in the receive buffer.
                reply = _read_reply(sock, tolerate_reset=True)
            except OSError as exc:
                raise ScannerUnavailable(f"clamd failed during INSTREAM: {exc}") from exc
        return _result(reply, engine)


def _read_reply(sock: socket.socket, *, tolerate_reset: bool = False) -> str:
    data = b""
    while not data.endswith(b"\0"):
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError as exc:
            if tolerate_reset and data:
                break
            raise ScannerUnavailable("clamd closed the connection") from exc
        except OSError as exc:
            raise ScannerUnavailable(f"clamd did not answer: {exc}") from exc
        if not chunk:
            break
        data += chunk
    reply = data.rstrip(b"\0").decode("utf-8", "replace").strip()
    if not reply:
        raise ScannerUnavailable("clamd sent no reply")
    return reply


def _result(reply: str, engine: str) -> ScanResult:
    if "size limit exceeded" in reply.lower():
        return ScanResult(clean=False, signature=SIZE_LIMIT_SIGNATURE, engine=engine)
    _, _, verdict = reply.partition(": ")
    if verdict == "OK":
        return ScanResult(clean=True, signature=None, engine=engine)
    if verdict.endswith(" FOUND"):
        return ScanResult(clean=False, signature=verdict.removesuffix(" FOUND"), engine=engine)
    raise ScannerUnavailable(f"clamd answered: {reply}")


class EicarOnlyScanner:
    """The embedded mode's scanner: finds only the EICAR test string, and says so."""

    engine = EMBEDDED_ENGINE

    def scan(self, path: Path) -> ScanResult:
        tail = b""
        with path.open("rb") as source:
            while chunk := source.read(CHUNK_SIZE):
                if EICAR in tail + chunk:
                    return ScanResult(False, "Eicar-Test-Signature", self.engine)
                tail = chunk[-len(EICAR) :]
        return ScanResult(True, None, self.engine)
