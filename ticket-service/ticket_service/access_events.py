"""Following auth-service's access changes: approvers who lost HDMS access drop out of rounds.

``employee.access_changed`` arrives on the access stream (a Redis consumer group in the stack:
at least once, acknowledged after the handler committed; the in-process bus in the embedded
mode). Dropping out is idempotent, so a redelivered event changes nothing. Reacting to the
event, rather than checking approvers when someone decides, is what lets a round whose last
approver left end by itself: with nobody left to decide, nobody would ever trigger the check.
"""

from __future__ import annotations

import logging

from flask import Flask

from hdms_common.access import AccessChange
from hdms_common.app import settings_of
from hdms_common.errors import DomainError
from hdms_common.events import (
    ACCESS_EVENTS_STREAM,
    EMPLOYEE_ACCESS_CHANGED,
    Event,
    EventConsumer,
    embedded_bus,
)
from ticket_service.extensions import db
from ticket_service.services.approvals import drop_out_approver

log = logging.getLogger(__name__)
GROUP = "ticket-service"
#: A concurrent change of the ticket (412/409 from the FSM) is retried at once a few times.
ATTEMPTS = 3


class AccessChangeHandler:
    """Applies one access change; raising leaves it unacknowledged, so it is delivered again."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def __call__(self, event: Event) -> None:
        if event.type != EMPLOYEE_ACCESS_CHANGED:
            return
        change = AccessChange.from_payload(event.payload)
        if change is None:
            log.error("dropping a malformed access event %s", event.id)
            return
        if change.has_access:
            return
        for attempt in range(1, ATTEMPTS + 1):
            with self.app.app_context():
                try:
                    rounds = drop_out_approver(
                        session=db.session,
                        approver_id=change.employee_id,
                        policy=self.app.extensions["hdms_ticket_policy"],
                        request_id=event.request_id,
                    )
                    db.session.commit()
                    if rounds:
                        log.info(
                            "approver %s dropped out of %d round(s)",
                            change.employee_id,
                            len(rounds),
                        )
                    return
                except DomainError as exc:
                    db.session.rollback()
                    if attempt == ATTEMPTS:
                        raise
                    log.info("approver drop-out retried: %s", exc.detail)
                except Exception:
                    db.session.rollback()
                    raise
                finally:
                    db.session.remove()


def build_access_consumer(
    app: Flask, *, consumer: str | None = None, claim_idle_ms: int = 60_000
) -> EventConsumer:
    """An EventConsumer of the access stream in ticket-service's group (REDIS_URL must be set)."""
    return EventConsumer.from_url(
        settings_of(app).redis_url,
        group=GROUP,
        handler=AccessChangeHandler(app),
        stream=ACCESS_EVENTS_STREAM,
        consumer=consumer,
        claim_idle_ms=claim_idle_ms,
    )


def subscribe_embedded(app: Flask) -> None:
    """The embedded mode: handle access changes as auth-service announces them."""
    embedded_bus().subscribe(AccessChangeHandler(app), stream=ACCESS_EVENTS_STREAM)
