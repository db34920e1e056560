"""Demo data: tickets for the demo company that auth-service seeds.

Only the seeding entry points import this module (``flask seed-demo-tickets`` and the embedded
start's ``seed_embedded_demo``); nothing that serves requests or runs background work does.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask

from hdms_common.app import settings_of
from hdms_common.auth import CurrentUser, service_token
from hdms_common.clients import AuthClient
from hdms_common.errors import DependencyUnavailable, DomainError
from ticket_service import fsm
from ticket_service.extensions import db
from ticket_service.models import Ticket
from ticket_service.services import tickets
from ticket_service.services.transitions import apply_transition
from ticket_service.services.visibility import SERVICE_NAME

log = logging.getLogger(__name__)

DEMO_TICKETS = [
    # title, description, priority, category, how far it goes
    (
        "Laptop does not boot",
        "Black screen after the logo since this morning.",
        "high",
        "hardware",
        "in_progress",
    ),
    (
        "VPN drops every hour",
        "The VPN disconnects about every 60 minutes.",
        "medium",
        "network",
        "assigned",
    ),
    (
        "New starter needs an account",
        "Maria starts on Monday in Sales.",
        "medium",
        "accounts",
        "new",
    ),
    ("Desk lamp flickers", "Third floor, desk 12.", "low", "facilities", "under_review"),
    (
        "Badge does not open the garage",
        "Since the badge renewal last week.",
        "high",
        "access",
        "new",
    ),
    (
        "Projector in room B is blurry",
        "Focus ring seems stuck.",
        "low",
        "meeting rooms",
        "resolved",
    ),
]


def _actor(employee: dict[str, Any]) -> CurrentUser:
    scopes: dict[str, set[uuid.UUID]] = {}
    for grant in employee.get("grants", []):
        scopes.setdefault(grant["role"], set()).add(uuid.UUID(grant["department_id"]))
    department = employee.get("department_id")
    return CurrentUser(
        id=uuid.UUID(employee["id"]),
        employee_code=employee.get("employee_code", ""),
        name=employee.get("name", ""),
        department_id=uuid.UUID(department) if department else None,
        roles=frozenset(scopes),
        scopes={role: frozenset(ids) for role, ids in scopes.items()},
    )


def _directory(client: AuthClient, token: str, path: str) -> list[dict[str, Any]]:
    items = client.list_all(path, token=token)
    if items is None:
        raise DependencyUnavailable("The auth-service refused the request.")
    return items


def seed_demo_tickets(app: Flask, *, per_department: int = 1, show_progress: bool = True) -> int:
    """Open demo tickets for the demo company (read from auth-service); returns how many.

    Nothing happens when tickets exist already, so the embedded start can call it every time.
    """
    policy = app.extensions["hdms_ticket_policy"]
    settings = settings_of(app)
    if db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)):
        return 0
    db.session.rollback()
    client = AuthClient(settings.auth_service_url)
    token = service_token(SERVICE_NAME, settings.jwt_secret_key)
    departments = _directory(client, token, "/api/departments/")
    employees = [
        _actor(e) for e in _directory(client, token, "/api/employees/") if e.get("is_active")
    ]

    def holders(role: str, department: uuid.UUID) -> list[CurrentUser]:
        return [e for e in employees if department in e.departments_for(role)]

    plan = []
    for index, department in enumerate(departments):
        department_id = uuid.UUID(department["id"])
        requestors = [e for e in employees if e.has_role("requestor")]
        moderators = holders("moderator", department_id) or [e for e in employees if e.is_admin]
        assignees = holders("assignee", department_id)
        if not requestors or not moderators:
            continue
        for n in range(per_department):
            demo = DEMO_TICKETS[(index * per_department + n) % len(DEMO_TICKETS)]
            plan.append(
                (department_id, requestors[n % len(requestors)], moderators[0], assignees, demo)
            )
    created = 0
    with click.progressbar(plan, label="Seeding demo tickets", hidden=not show_progress) as bar:
        for department_id, requestor, moderator, assignees, demo in bar:
            title, description, priority, category, goal = demo
            ticket = tickets.create_ticket(
                session=db.session,
                actor=requestor,
                policy=policy,
                data={
                    "title": title,
                    "description": description,
                    "department_id": department_id,
                    "priority": priority,
                    "category": category,
                },
            )
            steps: list[tuple[fsm.Action, CurrentUser, dict[str, Any]]] = []
            if goal == "under_review":
                steps = [(fsm.Action.REVIEW, moderator, {})]
            elif goal in ("assigned", "in_progress", "resolved") and assignees:
                worker = assignees[0]
                steps = [(fsm.Action.ASSIGN, moderator, {"assignee_id": worker.id})]
                if goal in ("in_progress", "resolved"):
                    steps.append((fsm.Action.ACKNOWLEDGE, worker, {}))
                    steps.append((fsm.Action.PROGRESS, worker, {"percent": 30, "note": "On it"}))
                if goal == "resolved":
                    steps.append((fsm.Action.RESOLVE, worker, {"resolution_note": "Fixed on site"}))
            for action, actor, payload in steps:
                facts = {"assignee_verified": payload.get("assignee_id")}
                apply_transition(
                    session=db.session,
                    ticket_id=ticket.id,
                    action=action,
                    actor=actor,
                    payload=payload,
                    policy=policy,
                    facts=facts,
                )
            db.session.commit()
            created += 1
    return created


def seed_when_auth_answers(
    app: Flask, *, attempts: int = 120, pause: float = 0.5
) -> threading.Thread:
    """Seed the demo tickets in the background as soon as auth-service can be reached."""

    def seed() -> None:
        for _ in range(attempts):
            with app.app_context():
                try:
                    created = seed_demo_tickets(app, per_department=3, show_progress=False)
                    if created:
                        log.info("seeded %s demo tickets", created)
                    return
                except DomainError:  # auth-service not listening yet
                    db.session.rollback()
                finally:
                    db.session.remove()
            time.sleep(pause)
        log.warning("demo tickets not seeded: auth-service did not answer")

    thread = threading.Thread(target=seed, name="ticket-demo-seed", daemon=True)
    thread.start()
    return thread
