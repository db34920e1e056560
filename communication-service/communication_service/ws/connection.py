"""One WebSocket connection: a bounded send queue, one writer, a rate-limited reader.

Only the writer thread writes data frames, so a client that reads slowly blocks nobody but
its own writer; when its queue is full it is cut off (close 4408). The reader enforces a token
bucket on client frames (flood: an error frame, then close 4429) and answers malformed frames
with error frames (too many: close 4400). simple-websocket's own thread answers pings and
drops peers that miss a pong.
"""

from __future__ import annotations

import json
import logging
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from simple_websocket import ConnectionClosed
from wsproto.connection import ConnectionState
from wsproto.events import CloseConnection, TextMessage

from communication_service.config import RealtimeLimits
from communication_service.ws.hub import Frame

log = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's; docs/api.md fixes 4401 and 4403).
CLOSE_NORMAL = 1000
CLOSE_BAD_REQUEST = 4400
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408
CLOSE_RATE_LIMITED = 4429
CLOSE_UNAVAILABLE = 4503
CLOSE_INTERNAL_ERROR = 1011


class _Close:
    def __init__(self, code: int, reason: str) -> None:
        self.code = code
        self.reason = reason


class _Resync:
    pass


class _Call:
    def __init__(self, function: Callable[[], object]) -> None:
        self.function = function


RESYNC = _Resync()


def error_frame(code: str, detail: str, **extra: Any) -> Frame:
    return Frame.build({"type": "error", "code": code, "detail": detail, **extra})


class TokenBucket:
    """``rate`` frames per second on average, ``burst`` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Connection:
    """The common part of the chat and notification sockets."""

    def __init__(self, ws: Any, limits: RealtimeLimits) -> None:
        self.ws = ws
        self.limits = limits
        self.id = uuid.uuid4().hex
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=limits.send_queue_size)
        self.closing = threading.Event()
        self._cut: _Close | None = None
        self._writer: threading.Thread | None = None
        self.bucket = TokenBucket(limits.frames_per_second, limits.frame_burst)
        self._plain_frames = negotiated_no_extension(ws)
        self.bad_frames = 0
        if limits.socket_send_buffer:
            try:
                ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, limits.socket_send_buffer)
            except OSError:
                pass

    # --- the writer -----------------------------------------------------------------------

    def start_writer(self) -> None:
        self._writer = threading.Thread(
            target=self._write_loop, name=f"ws-writer-{self.id}", daemon=True
        )
        self._writer.start()

    def enqueue(self, item: Any) -> None:
        """Queue something for the writer; a client too far behind is cut off, never waited for."""
        if self.closing.is_set():
            return
        try:
            self.queue.put_nowait(item)
        except queue.Full:
            self.cut_off(CLOSE_TOO_SLOW, "Too slow: frames were not read in time")

    def send_frame(self, frame: Frame) -> None:
        self.enqueue(frame)

    def call_in_writer(self, function: Callable[[], object]) -> None:
        self.enqueue(_Call(function))

    def close(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Close after the frames already queued (an error frame then its close, in order)."""
        if self.closing.is_set():
            return
        try:
            self.queue.put_nowait(_Close(code, reason))
        except queue.Full:
            self.cut_off(code, reason)
            return
        self.closing.set()

    def cut_off(self, code: int, reason: str) -> None:
        """Close now, dropping what is queued; shut the socket if the peer will not take it."""
        if self._cut is not None:
            return
        self._cut = _Close(code, reason)
        self.closing.set()
        log.info("websocket %s cut off: %s", self.id, reason)
        try:
            self.queue.put_nowait(self._cut)
        except queue.Full:
            pass
        timer = threading.Timer(self.limits.slow_close_grace, self._shutdown_socket)
        timer.daemon = True
        timer.start()

    def _shutdown_socket(self) -> None:
        if self._writer is not None and self._writer.is_alive():
            try:
                self.ws.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.ws.connected = False
        self.ws.event.set()

    def _write(self, frame: Frame) -> None:
        # sendall, not simple-websocket's send(): a partial write would corrupt the stream.
        if self._plain_frames and self.ws.ws.state is ConnectionState.OPEN:
            # The frame's bytes, built once for every socket of the ticket (no per-socket
            # encoding); wsproto is still asked while the socket is not open, so that a frame
            # after a close is refused as before.
            self.ws.sock.sendall(frame.wire)
        else:
            self.ws.sock.sendall(self.ws.ws.send(TextMessage(data=frame.text)))

    def _send_close(self, close: _Close) -> None:
        if not self.ws.connected:
            return
        try:
            self.ws.sock.sendall(self.ws.ws.send(CloseConnection(close.code, close.reason)))
        except Exception:  # noqa: BLE001 - the peer is gone or the stream is already closed
            log.debug("close frame not sent on %s", self.id)
        self.ws.connected = False

    def end_in_writer(self, code: int, reason: str, last: Frame | None = None) -> None:
        """From the writer thread: send ``last`` and close, before anything queued after it."""
        if last is not None:
            self._write(last)
        self._cut = _Close(code, reason)
        self.closing.set()

    def close_now(self, code: int, reason: str) -> None:
        """Close before the writer runs (refused handshakes): nothing else writes yet."""
        self.closing.set()
        self._send_close(_Close(code, reason))

    def _write_loop(self) -> None:
        try:
            self.on_writer_start()
            while True:
                if self._cut is not None:
                    self._send_close(self._cut)
                    return
                try:
                    item = self.queue.get(timeout=self.limits.idle_wakeup)
                except queue.Empty:
                    if not self.ws.connected:
                        return
                    continue
                if self._cut is not None:
                    continue
                if isinstance(item, _Close):
                    self._send_close(item)
                    return
                self.handle_item(item)
        except (OSError, ConnectionClosed):
            pass
        except Exception:
            log.exception("websocket writer %s failed", self.id)
            self._send_close(_Close(CLOSE_INTERNAL_ERROR, "Internal error"))
        finally:
            self.closing.set()
            self.ws.connected = False
            self.ws.event.set()

    def on_writer_start(self) -> None:
        """Work the writer does before the queue (the chat's replay)."""

    def handle_item(self, item: Any) -> None:
        if isinstance(item, Frame):
            self._write(item)
        elif isinstance(item, _Call):
            item.function()

    # --- subscriber protocol (called by the hub, from any thread) -------------------------

    def deliver(self, frame: Frame) -> None:
        self.enqueue(frame)

    def resync(self) -> None:
        self.enqueue(RESYNC)

    # --- the reader -----------------------------------------------------------------------

    def receive_loop(
        self, on_text: Callable[[dict[str, Any]], None], on_idle: Callable[[], None]
    ) -> None:
        """Read client frames until the socket closes; ``on_text`` gets each valid JSON object."""
        while not self.closing.is_set():
            try:
                data = self.ws.receive(timeout=self.limits.idle_wakeup)
            except ConnectionClosed:
                break
            if data is None:
                if not self.ws.connected:
                    break
                on_idle()
                continue
            if not self.bucket.take():
                self.send_frame(error_frame("rate_limited", "Too many frames; slow down."))
                self.close(CLOSE_RATE_LIMITED, "Rate limit exceeded")
                break
            payload = parse_frame(data)
            if payload is None:
                self.bad_frame("malformed", "Frames must be JSON objects with a string 'type'.")
                continue
            on_text(payload)

    def bad_frame(self, code: str, detail: str, **extra: Any) -> None:
        self.bad_frames += 1
        self.send_frame(error_frame(code, detail, **extra))
        if self.bad_frames >= self.limits.max_bad_frames:
            self.close(CLOSE_BAD_REQUEST, "Too many invalid frames")

    def finish(self) -> None:
        """After the reader ended: close (if not yet) and give the writer a moment to finish."""
        self.close(CLOSE_NORMAL, "")
        if self._writer is not None:
            self._writer.join(timeout=self.limits.slow_close_grace + 1)


def negotiated_no_extension(ws: Any) -> bool:
    """Whether the socket sends frames exactly as :attr:`Frame.wire` builds them: no extension
    was negotiated (a browser's permessage-deflate compresses each socket's frames with a
    context of its own, so those go through wsproto). Unknown is False."""
    protocol = getattr(getattr(getattr(ws, "ws", None), "connection", None), "_proto", None)
    extensions = getattr(protocol, "extensions", None)
    return isinstance(extensions, list) and not extensions


def parse_frame(data: Any) -> dict[str, Any] | None:
    """A client frame as a dict with a string ``type``, or None for anything else."""
    if not isinstance(data, str):
        return None
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        return None
    return payload
