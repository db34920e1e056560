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
class Loop:
    """A background loop of a service (outbox relay, event consumer): a thread of the
    background process (hdms_common.background), not a process of its own."""

    #: Its name (Supervisor.leave_out).
    name: str
    #: ``package.module:function``: given the app, starts a thread or returns a consumer ...
    target: str
    #: ... or, when set, a periodic job: the function is called with the app this often.
    every_seconds: int = 0

    @property
    def spec(self) -> str:
        """The loop as hdms_common.background takes it."""
        return f"{self.target}@{self.every_seconds}" if self.every_seconds else self.target


#: The process that runs loops: the stack's one for every service, and each service's
#: ``<service>-background`` container in docker-compose.yml.
BACKGROUND_COMMAND = ("python", "-m", "hdms_common.background")


#: A service's Celery worker is the only one on its queue: it has no other worker to sync
#: revoked tasks and clocks with at start (mingle) or to follow afterwards (gossip), and nothing
#: watches its heartbeat events. Without them it keeps no second broker connection and
#: consumer for the others' events (about 2.5 MiB) and does not poll for them while idle.
WORKER_ALONE = ("--without-gossip", "--without-mingle", "--without-heartbeat")


@dataclass(frozen=True)
class Background:
    """A process that runs beside a service's web processes: a Celery worker of the service's
    tasks, with its beat embedded."""

    #: The process's name in the stack (its log file; Supervisor.leave_out).
    name: str
    #: Its container in docker-compose.yml.
    compose_name: str
    #: The Celery program: "worker".
    celery: str = "worker"
    concurrency: int = 1
    #: The worker's pool: "prefork" for CPU-bound tasks (one process per task at a time).
    pool: str = "prefork"

    def argv(self, service: Service, bin_dir: Path) -> list[str]:
        node = f"{service.name}@%h"
        command = [str(bin_dir / "celery"), "-A", f"{service.package}.tasks", self.celery]
        pool = ["--pool", self.pool, "--concurrency", str(self.concurrency)]
        return [*command, *pool, *WORKER_ALONE, "-n", node]


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
    #: Its loops, run by a background process (hdms_common.background).
    loops: tuple[Loop, ...] = ()
    #: Its Celery workers.
    background: tuple[Background, ...] = ()
    #: A flask command run once after the migrations (the stack's demo company).
    seed_command: str = ""
    #: Connects to PostgreSQL through PgBouncer (docker-compose.yml's depends_on).
    uses_pgbouncer: bool = False
    #: gevent workers of its gunicorn (WEB_CONCURRENCY unless set): one gevent worker carries
    #: many connections, so a second is only worth its memory where CPU is the limit
    #: (docs/stack.md, "Processes and memory").
    web_workers: int = 1

    @property
    def port(self) -> int:
        return self.ports[0][1]

    @property
    def url_variable(self) -> str:
        """The environment variable that gives the other services this one's URL."""
        return f"{self.name.upper()}_SERVICE_URL"

    @property
    def background_compose_name(self) -> str:
        """The docker-compose.yml container that runs the service's loops."""
        return f"{self.name}-background"

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
        web_workers=2,
        loops=(
            # The outbox relay every 0.5 s and the SLA sweep every minute, as in the embedded
            # mode (ticket_service.tasks keeps them as Celery tasks for a deployment that
            # prefers a worker and beat).
            Loop("ticket-outbox-relay", "ticket_service.background:start_background_loop"),
            Loop("ticket-access-events", "ticket_service.access_events:build_access_consumer"),
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
        loops=(
            Loop(
                "communication-events",
                "communication_service.consumers.ticket_events:build_consumer",
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
            # Scans and transcodes are CPU-bound: two pool processes, one per core.
            Background("file-celery-worker", "file-worker", concurrency=2),
        ),
        loops=(
            Loop("file-ticket-events", "file_service.ticket_events:consumer"),
            # What file_service.tasks' beat schedule runs (SWEEP_INTERVAL_SECONDS): the sweep
            # queues its retries to the Celery worker.
            Loop("file-sweep", "file_service.tasks:sweep_stale_files", every_seconds=300),
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
