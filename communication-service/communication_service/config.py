"""communication-service settings: the shared ones plus the real-time limits."""

from __future__ import annotations

import gc
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from hdms_common.config import ConfigurationError, Settings, environment, load_settings

SERVICE_NAME = "communication"


@dataclass(frozen=True)
class RealtimeLimits:
    """Bounds of every WebSocket connection (docs/pitfalls.md, "flask-sock and WebSockets")."""

    #: Seconds between server pings; a peer that misses one pong is dropped.
    ping_interval: float = 25.0
    #: Largest client frame accepted, in bytes; larger ones close the socket with 1009.
    max_message_size: int = 16 * 1024
    #: Frames waiting to be written to one client; a client that falls this far behind is cut off.
    send_queue_size: int = 256
    #: Client frames per second allowed (token bucket) and the burst above it.
    frames_per_second: float = 10.0
    frame_burst: int = 30
    #: Bad frames (malformed, unknown type, invalid) tolerated before the socket is closed.
    max_bad_frames: int = 10
    #: Seconds a socket may wait for its first {"type": "auth"} frame when no token was given.
    auth_timeout: float = 10.0
    #: Seconds a cut-off client gets to take its close frame before the socket is shut down.
    slow_close_grace: float = 5.0
    #: SO_SNDBUF of each socket (0: the kernel's default); small values find slow clients sooner.
    socket_send_buffer: int = 0
    #: Seconds a presence entry lives without being refreshed (participation is rechecked and
    #: presence refreshed every third of it).
    presence_ttl: float = 90.0
    #: How often an idle socket's reader and writer wake with nothing to do. Every real event
    #: wakes them at once; this bounds idle CPU, most of a worker's load with 1,000 idle sockets.
    idle_wakeup: float = 5.0


def load_communication_settings(environ: Mapping[str, str] | None = None) -> Settings:
    return load_settings(SERVICE_NAME, via_pgbouncer=True, environ=environ)


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from exc
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative")
    return value


def load_realtime_limits(environ: Mapping[str, str] | None = None) -> RealtimeLimits:
    env = environment(environ)
    d = RealtimeLimits()
    p = "COMMUNICATION_WS_"
    return RealtimeLimits(
        ping_interval=_number(env, p + "PING_INTERVAL", d.ping_interval),
        max_message_size=int(_number(env, p + "MAX_MESSAGE_SIZE", d.max_message_size)),
        send_queue_size=max(1, int(_number(env, p + "SEND_QUEUE_SIZE", d.send_queue_size))),
        frames_per_second=_number(env, p + "FRAMES_PER_SECOND", d.frames_per_second),
        frame_burst=max(1, int(_number(env, p + "FRAME_BURST", d.frame_burst))),
        max_bad_frames=max(1, int(_number(env, p + "MAX_BAD_FRAMES", d.max_bad_frames))),
        auth_timeout=_number(env, p + "AUTH_TIMEOUT", d.auth_timeout),
        slow_close_grace=_number(env, p + "SLOW_CLOSE_GRACE", d.slow_close_grace),
        socket_send_buffer=int(_number(env, p + "SOCKET_SEND_BUFFER", d.socket_send_buffer)),
        presence_ttl=_number(env, p + "PRESENCE_TTL", d.presence_ttl),
        idle_wakeup=max(0.05, _number(env, p + "IDLE_WAKEUP", d.idle_wakeup)),
    )


#: gc thresholds for a worker holding many sockets (see tune_garbage_collector).
WORKER_GC_THRESHOLDS = (50_000, 50, 100)


def tune_garbage_collector(environ: Mapping[str, str] | None = None) -> bool:
    """Collect less often in a gunicorn gevent worker; returns whether the thresholds changed.

    A worker with 1,000 open sockets holds a great many long-lived objects, and CPython's
    default thresholds run a full collection every few seconds of traffic, each walking all of
    them: every socket of the worker stalls for 100-400 ms (bench/ws_bench.py showed p99 go from
    ~10 ms to ~250 ms). Fewer young collections mean far fewer full ones; cycles are still
    collected. COMMUNICATION_GC_TUNING=on|off overrides the default (on only in gunicorn's
    gevent workers, so test runs and the embedded process keep CPython's defaults).
    """
    env = environment(environ)
    mode = env.get("COMMUNICATION_GC_TUNING", "auto")
    in_gevent_worker = "gunicorn.workers.ggevent" in sys.modules
    if mode == "off" or (mode != "on" and not in_gevent_worker):
        return False
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    return True
