"""In-process background work for the embedded mode: the outbox relay and the periodic sweep.

The embedded process is gevent-monkey-patched, so the thread below is a greenlet. Every
failure is logged and retried on the next tick; the loop never dies with an exception.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from flask import Flask

from hdms_common.app import settings_of
from hdms_common.events import EventPublisher, RedisStreamPublisher, embedded_bus
from ticket_service.extensions import db
from ticket_service.services.events import relay_outbox
from ticket_service.services.sweep import sweep_tickets

log = logging.getLogger(__name__)
RELAY_INTERVAL_SECONDS = 0.5
SWEEP_INTERVAL_SECONDS = 60.0
#: Outbox rows per relay round trip (relay_outbox); a backlog goes out in rounds of this many.
RELAY_BATCH = 500


def publisher_for(app: Flask) -> EventPublisher:
    """Redis stream when REDIS_URL is set, else the process's in-memory bus."""
    redis_url = settings_of(app).redis_url
    if redis_url:
        return RedisStreamPublisher(redis.Redis.from_url(redis_url, socket_timeout=5))
    return embedded_bus()


def run_once(app: Flask, publisher: EventPublisher, *, sweep: bool) -> int:
    """Relay what is pending (and sweep when asked); returns how many events were relayed."""
    relayed = 0
    with app.app_context():
        try:
            while True:
                sent = relay_outbox(session=db.session, publisher=publisher, batch=RELAY_BATCH)
                relayed += sent
                if sent < RELAY_BATCH:
                    break
            if sweep:
                sweep_tickets(session=db.session, policy=app.extensions["hdms_ticket_policy"])
        except Exception:  # noqa: BLE001 - keep the loop alive; the next tick retries
            log.exception("ticket background work failed")
            db.session.rollback()
        finally:
            db.session.remove()
    return relayed


def start_background_loop(app: Flask) -> threading.Thread:
    """Start the relay (every 0.5 s) and the sweep (every minute) in a daemon thread."""
    publisher = publisher_for(app)

    def loop() -> None:
        next_sweep = time.monotonic()
        while True:
            now = time.monotonic()
            sweep = now >= next_sweep
            if sweep:
                next_sweep = now + SWEEP_INTERVAL_SECONDS
            run_once(app, publisher, sweep=sweep)
            time.sleep(RELAY_INTERVAL_SECONDS)

    thread = threading.Thread(target=loop, name="ticket-background", daemon=True)
    thread.start()
    return thread
