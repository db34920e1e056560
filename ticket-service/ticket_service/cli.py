"""flask commands of ticket-service: sla-sweep, outbox-relay, verify-audit, seed-demo-tickets."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    pass
