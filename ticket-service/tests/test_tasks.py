"""Celery wiring: the broker is Redis database 2; the beat tasks run the same functions."""

from __future__ import annotations

import pytest

from ticket_service import tasks


@pytest.mark.parametrize(
    ("redis_url", "broker"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/2"),
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/2"),
        (
            "redis://:secret@cache:6380/1?socket_timeout=5",
            "redis://:secret@cache:6380/2?socket_timeout=5",
        ),
        ("rediss://cache/0", "rediss://cache/2"),
        ("", ""),
    ],
)
def test_broker_url_uses_database_2(redis_url, broker):
    assert tasks.broker_url(redis_url) == broker


def test_beat_runs_the_sweep_every_minute_and_the_relay_often():
    schedule = tasks.celery_app.conf.beat_schedule
    assert schedule["ticket-sla-sweep"] == {"task": "ticket_service.sla_sweep", "schedule": 60.0}
    assert schedule["ticket-outbox-relay"]["task"] == "ticket_service.outbox_relay"


def test_the_tasks_sweep_and_relay(app, api, fetch, monkeypatch):
    monkeypatch.setattr(tasks, "_flask_app", app)
    ticket = api.create()
    fetch(
        "UPDATE tickets SET first_response_due_at = now() - interval '1 second' WHERE id = %s",
        ticket["id"],
    )
    report = tasks.sla_sweep()
    assert report["breaches"] == [{"ticket": ticket["number"], "sla_kind": "first_response"}]
    assert tasks.outbox_relay() == 2
    assert fetch("SELECT count(*) FROM ticket_outbox WHERE sent_at IS NULL") == [(0,)]
