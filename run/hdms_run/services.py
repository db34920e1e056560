"""The one list of HDMS services: adding a service is one entry in SERVICES.

Everything that runs or describes the services reads it: the embedded mode (its path
dispatcher), the local stack (ports, gunicorn, workers, migrations, nginx upstreams), the `hdms`
command line, the Postman and fuzzing scripts, and the compose test, which checks that
docker-compose.yml agrees with it. Standard library only: the gateway image imports it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Command:
    """An `hdms` command that runs one of the service's flask commands."""

    name: str
    flask_command: str
    help: str


@dataclass(frozen=True)
class Background:
    """A process that runs beside a service's web processes: an `hdms` command (outbox relay,
    event consumer) or a Celery worker or beat of the service's tasks."""

    #: The process's name in the stack (its log file; Supervisor.leave_out).
    name: str
    #: Its container in docker-compose.yml.
    compose_name: str
    #: `hdms <command>` (a Command of the same service) ...
    hdms_command: str = ""
    #: ... or Celery: "worker" or "beat".
    celery: str = ""
    concurrency: int = 1
    #: A beat's schedule file, in the stack's folder.
    schedule_file: str = ""

    def argv(self, service: Service, bin_dir: Path, stack_dir: Path) -> list[str]:
        if self.hdms_command:
            return [str(bin_dir / "hdms"), self.hdms_command]
        celery = [str(bin_dir / "celery"), "-A", f"{service.package}.tasks", self.celery]
        if self.celery == "beat":
            return [*celery, "--schedule", str(stack_dir / self.schedule_file)]
        node = f"{service.name}@%h"
        return [*celery, "--concurrency", str(self.concurrency), "-n", node]


@dataclass(frozen=True)
class Service:
    #: Short name: the stack's port and process names, the embedded mode's app names.
    name: str
    #: The Python package (create_app, flask commands, migrations).
    package: str
    #: The folder of the repository, the compose service and the image's SERVICE argument.
    directory: str
    #: The gateway paths the service owns (nginx and the embedded dispatcher).
    prefixes: tuple[str, ...]
    #: The API segment of its documents: /api/<api>/openapi.json and /api/<api>/docs.
    api: str
    #: (name, documented port) of each listener; the first serves HTTP (healthz, readyz).
    ports: tuple[tuple[str, int], ...]
    commands: tuple[Command, ...] = ()
    background: tuple[Background, ...] = ()
    #: A flask command run once after the migrations (the stack's demo company).
    seed_command: str = ""
    #: Connects to PostgreSQL through PgBouncer (docker-compose.yml's depends_on).
    uses_pgbouncer: bool = False

    @property
    def port(self) -> int:
        return self.ports[0][1]

    @property
    def url_variable(self) -> str:
        """The environment variable that gives the other services this one's URL."""
        return f"{self.name.upper()}_SERVICE_URL"

    @property
    def openapi_path(self) -> str:
        return f"/api/{self.api}/openapi.json"

    def installed(self) -> bool:
        return importlib.util.find_spec(self.package) is not None


SERVICES: tuple[Service, ...] = (
    Service(
        name="auth",
        package="auth_service",
        directory="auth-service",
        prefixes=("/api/auth", "/api/employees", "/api/departments", "/api/hdms"),
        api="auth",
        ports=(("auth", 8000),),
        commands=(
            Command("create-admin", "create-admin", "Create an employee with the admin role."),
            Command("grant", "grant", "Grant or revoke HDMS roles of an employee."),
            Command("seed-demo", "seed-demo", "Seed the demo company and print its logins."),
        ),
        seed_command="seed-demo",
    ),
    Service(
        name="ticket",
        package="ticket_service",
        directory="ticket-service",
        prefixes=("/api/tickets", "/api/sub-tickets", "/api/approvals"),
        api="tickets",
        ports=(("ticket", 8002),),
        commands=(
            Command(
                "seed-demo-tickets",
                "seed-demo-tickets",
                "Create demo tickets for the demo company.",
            ),
            Command("sla-sweep", "sla-sweep", "Flag SLA breaches, resume due postponed tickets."),
            Command("outbox-relay", "outbox-relay", "Publish ticket events from the outbox."),
            Command(
                "ticket-access-events",
                "consume-access-events",
                "Follow access changes: approvers who lost HDMS access drop out of rounds.",
            ),
            Command("verify-audit", "verify-audit", "Check every ticket's audit hash chain."),
        ),
        background=(
            Background("ticket-outbox-relay", "ticket-outbox-relay", hdms_command="outbox-relay"),
            Background(
                "ticket-access-events", "ticket-access-events", hdms_command="ticket-access-events"
            ),
            Background(
                "ticket-celery-beat",
                "ticket-beat",
                celery="beat",
                schedule_file="celerybeat-schedule",
            ),
            Background("ticket-celery-worker", "ticket-worker", celery="worker", concurrency=1),
        ),
        uses_pgbouncer=True,
    ),
    Service(
        name="communication",
        package="communication_service",
        directory="communication-service",
        prefixes=("/api/chat", "/api/notifications", "/ws/"),
        api="chat",
        ports=(("communication", 8003), ("websocket", 8004)),
        commands=(
            Command(
                "events-consume",
                "consume-events",
                "Consume ticket events: participants, notifications.",
            ),
        ),
        background=(
            Background(
                "communication-events", "communication-events", hdms_command="events-consume"
            ),
        ),
        uses_pgbouncer=True,
    ),
    Service(
        name="file",
        package="file_service",
        directory="file-service",
        prefixes=("/api/files",),
        api="files",
        ports=(("file", 8005),),
        commands=(
            Command("files-sweep", "sweep-stale", "Fail and retry files stuck in processing."),
            Command(
                "files-ticket-events",
                "consume-ticket-events",
                "Follow ticket events: which tickets hold which files.",
            ),
        ),
        background=(
            Background("file-celery-worker", "file-worker", celery="worker", concurrency=2),
            Background(
                "file-celery-beat",
                "file-beat",
                celery="beat",
                schedule_file="celerybeat-schedule-files",
            ),
            Background(
                "file-ticket-events", "file-ticket-events", hdms_command="files-ticket-events"
            ),
        ),
    ),
)

#: The documented ports of what is not a service (docs/architecture.md).
GATEWAY_PORT = 8080
INFRASTRUCTURE_PORTS = {"postgres": 5432, "pgbouncer": 6432, "redis": 6379, "clamd": 3310}


def documented_ports() -> dict[str, int]:
    """Every listener's documented port by name: the gateway, each service's, the servers'."""
    ports = {"gateway": GATEWAY_PORT}
    for service in SERVICES:
        ports.update(service.ports)
    ports.update(INFRASTRUCTURE_PORTS)
    return ports


def by_name(name: str) -> Service:
    return next(s for s in SERVICES if s.name == name)


def installed_services() -> list[Service]:
    """The services whose packages are importable here (later ones plug in when they exist)."""
    return [s for s in SERVICES if s.installed()]


def commands() -> dict[str, tuple[Service, Command]]:
    """Every service's `hdms` commands by name."""
    return {c.name: (s, c) for s in SERVICES for c in s.commands}


#: The demo roles a login is printed and fuzzed for, in the order they are shown.
DEMO_ROLES = ("admin", "moderator", "assignee", "requestor")


def demo_logins() -> dict[str, tuple[str, str]]:
    """role -> (employee code, password) of the demo company auth-service seeds: the first
    demo employee whose first role it is (auth_service.cli.DEMO_USERS defines them)."""
    from auth_service.cli import DEMO_USERS

    logins: dict[str, tuple[str, str]] = {}
    for code, _name, password, _department, roles in DEMO_USERS:
        logins.setdefault(roles[0][0], (code, password))
    return {role: logins[role] for role in DEMO_ROLES}
