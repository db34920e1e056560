"""The local production-shaped stack (`make stack`, `make stack-stop`), without Docker.

`up` starts a supervisor process in the background and waits until the whole stack answers:
PostgreSQL, PgBouncer (transaction mode), Redis and clamd from local binaries, migrations and
the demo seed, one gunicorn with gevent workers per service, the Celery worker and beat, the
outbox relay and the event consumer, and nginx as the gateway, which also serves the web
application's static export at / (built first when its sources changed, as `make run` does;
without Node.js 20+ the stack runs without it). The supervisor owns every
process; `down` asks it to stop them all and waits, so nothing it started is left behind.
Ports are the documented ones when free, otherwise free ones (printed, and kept in
var/stack/state.json). The data lives in var/stack for as long as the stack runs.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hdms_run import build_frontend, gateway, services
from hdms_run.servers import (
    ClamdServer,
    NginxServer,
    PgBouncerServer,
    PostgresServer,
    RedisServer,
    free_port,
)

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var"
# Overridable so that the end-to-end tests run a stack of their own beside a developer's.
STACK_DIR = Path(os.environ.get("HDMS_STACK_DIR", VAR / "stack")).resolve()
LOG_DIR = Path(os.environ.get("HDMS_LOG_DIR", VAR / "log")).resolve()
STATE_FILE = STACK_DIR / "state.json"
BIN = Path(sys.executable).parent

#: The documented ports (docs/architecture.md); taken ones are replaced by free ones.
PORTS = services.documented_ports()


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def choose_ports(auto: bool) -> dict[str, int]:
    return {
        name: (port if not auto and port_is_free(port) else free_port())
        for name, port in PORTS.items()
    }


@dataclass
class Supervisor:
    """Starts and owns every server and process of the stack.

    `supervise` runs it in a background process for `make stack`; the fault-injection tests
    (tests/chaos) run it inside the test process, so that they hold the very server objects and
    process ids they stop, kill and start again.
    """

    ports: dict[str, int]
    #: The web application's export folder nginx serves at / (an empty one: no web application).
    web_root: Path = field(default_factory=lambda: STACK_DIR / "no-web")
    stack_dir: Path = STACK_DIR
    log_dir: Path = LOG_DIR
    #: gunicorn workers per service name ("communication": 2); otherwise WEB_CONCURRENCY when
    #: set, else the registry's web_workers of the service.
    workers: dict[str, int] = field(default_factory=dict)
    #: Extra environment for every HDMS process (set before start_servers).
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Background processes not to start (names from background_commands).
    leave_out: set[str] = field(default_factory=set)
    env: dict[str, str] = field(default_factory=dict)
    servers: list[Any] = field(default_factory=list)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    commands: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)
    stopping: bool = False

    # --- infrastructure -----------------------------------------------------------------------

    def start_servers(self) -> None:
        stack_dir = self.stack_dir
        stack_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(16)
        postgres = PostgresServer(
            stack_dir,
            port=self.ports["postgres"],
            password=password,
            # The test servers' default of synchronous_commit=off acknowledges a commit before
            # its WAL leaves PostgreSQL's memory: a crashed server then forgets creates it had
            # confirmed (the fault tests in tests/chaos count them). Without fsync the WAL still
            # reaches the kernel before the commit returns, which survives the server's crash.
            settings={"max_connections": 300, "synchronous_commit": True},
        )
        self._start(postgres)
        pgbouncer = PgBouncerServer(
            postgres,
            stack_dir,
            port=self.ports["pgbouncer"],
            default_pool_size=pool_size(),
            max_client_conn=2000,
        )
        self._start(pgbouncer)
        redis = RedisServer(stack_dir, port=self.ports["redis"])
        self._start(redis)
        clamd = ClamdServer(stack_dir, port=self.ports["clamd"], stream_max_length="100M")
        self._start(clamd)
        secret_file = stack_dir / "jwt-secret"
        if not secret_file.exists():
            secret_file.write_text(secrets.token_urlsafe(48))
            secret_file.chmod(0o600)
        files = stack_dir / "files"
        files.mkdir(exist_ok=True)
        p = self.ports
        self.env = {
            **os.environ,
            "HDMS_ENV": "stack",
            "DATABASE_URL": postgres.url,
            "PGBOUNCER_URL": pgbouncer.url,
            "REDIS_URL": redis.url,
            "CLAMD_ADDRESS": clamd.address,
            "JWT_SECRET_KEY": secret_file.read_text().strip(),
            **{s.url_variable: f"http://127.0.0.1:{p[s.name]}" for s in services.SERVICES},
            "FILE_STORAGE_DIR": str(files),
            "FILE_ACCEL_REDIRECT_PREFIX": gateway.ACCEL_PREFIX,
            "FILE_MAX_BYTES": os.environ.get("FILE_MAX_BYTES", str(1024**3)),
            "LOG_FORMAT": "json",
            # nginx is the only client of the services: trust its X-Forwarded-For.
            "TRUSTED_PROXIES": "1",
        }
        for key in ("HDMS_VAR_DIR",):
            self.env.pop(key, None)
        self.env.update(self.extra_env)

    def _start(self, server: Any) -> None:
        server.start()
        self.servers.append(server)

    # --- HDMS processes -----------------------------------------------------------------------

    def flask(self, package: str, *args: str) -> None:
        """Run a service's flask command to completion (migrations, seeding)."""
        self.flask_each([package], *args)

    def flask_each(self, packages: list[str], *args: str) -> None:
        """Run one flask command for several services at once (their tables are their own).

        They connect to PostgreSQL directly, as migrations do in production (pgbouncer/README):
        through PgBouncer, the server connection that ran the migrations would stay in its pool
        holding the catalog caches they filled (about 10 MiB) until the pool closed it.
        """
        env = {key: value for key, value in self.env.items() if key != "PGBOUNCER_URL"}
        running = []
        for package in packages:
            with (self.log_dir / f"{package}-setup.log").open("ab") as log:
                command = [str(BIN / "flask"), "--app", f"{package}:create_app", *args]
                running.append(
                    subprocess.Popen(
                        command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
                    )
                )
        codes = [process.wait() for process in running]
        for package, code in zip(packages, codes, strict=True):
            if code != 0:
                raise RuntimeError(
                    f"flask {' '.join(args)} failed for {package}; "
                    f"see {self.log_dir / (package + '-setup.log')}"
                )

    def spawn(self, name: str, command: list[str], **extra_env: str) -> None:
        self.commands[name] = (command, extra_env)
        with (self.log_dir / f"{name}.log").open("ab") as log:
            self.processes[name] = subprocess.Popen(
                command,
                env={**self.env, **extra_env},
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
            )

    def respawn(self, name: str) -> subprocess.Popen[bytes]:
        """Start process `name` again after it died (reaped here), with the same command."""
        old = self.processes[name]
        if old.poll() is None:
            raise RuntimeError(f"{name} (pid {old.pid}) is still running")
        command, extra_env = self.commands[name]
        self.spawn(name, command, **extra_env)
        return self.processes[name]

    def gunicorn(self, service: services.Service, *ports: int) -> None:
        binds = [arg for port in ports for arg in ("-b", f"127.0.0.1:{port}")]
        workers = self.workers.get(
            service.name, os.environ.get("WEB_CONCURRENCY", service.web_workers)
        )
        self.spawn(
            service.name,
            [
                sys.executable,
                "-m",
                "hdms_common.serve",
                "-c",
                "python:hdms_common.gunicorn_conf",
                *binds,
                f"{service.package}:create_app()",
            ],
            WEB_CONCURRENCY=str(workers),
        )

    def start_services(self) -> None:
        p = self.ports
        present = services.installed_services()
        self.flask_each([s.package for s in present], "db", "upgrade")
        for service in present:
            if service.seed_command:
                self.flask(service.package, service.seed_command)
        for service in present:
            self.gunicorn(service, *(p[name] for name, _ in service.ports))
        for name, _package, command in background_commands(self.leave_out):
            self.spawn(name, command)
        loops = background_loops(self.leave_out)
        if loops:
            # One process for every service's loops: they wait on Redis most of the time.
            self.spawn(BACKGROUND, [sys.executable, *services.BACKGROUND_COMMAND[1:], *loops])
        nginx_values = gateway.values_from_env(
            {
                **self.env,
                "GATEWAY_LISTEN": f"127.0.0.1:{p['gateway']}",
                "GATEWAY_ERROR_LOG": str(self.log_dir / "nginx-error.log"),
                "GATEWAY_ACCESS_LOG": str(self.log_dir / "nginx-access.log"),
                "GATEWAY_WEB_ROOT": str(self.web_root),
                **gateway.upstreams(lambda name, port: f"127.0.0.1:{p[name]}"),
            }
        )
        self._start(NginxServer(gateway.render(nginx_values), self.stack_dir, port=p["gateway"]))

    def wait_ready(self, timeout: float = 90) -> None:
        import urllib.request

        p = self.ports
        urls = [f"http://127.0.0.1:{p['gateway']}/healthz"] + [
            f"http://127.0.0.1:{p[s.name]}/readyz" for s in services.installed_services()
        ]
        deadline = time.monotonic() + timeout
        for url in urls:
            while True:
                self.check_processes()
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not become ready; see {self.log_dir}")
                time.sleep(0.3)

    def check_processes(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}; see {self.log_dir / (name + '.log')}"
                )

    def stop(self) -> None:
        self.stopping = True
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for server in reversed(self.servers):
            server.close()


def pool_size() -> int:
    """PgBouncer's server connections per database/user: see pgbouncer/README.md."""
    return int(os.environ.get("PGBOUNCER_POOL_SIZE", "20"))


#: The stack's process that runs every service's loops (hdms_common.background).
BACKGROUND = "background"


def background_loops(leave_out: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The targets of the installed services' loops, but those named in `leave_out`."""
    return [
        loop.spec
        for service in services.installed_services()
        for loop in service.loops
        if loop.name not in leave_out
    ]


def background_commands(
    leave_out: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[str, str, list[str]]]:
    """The Celery workers of the installed services: name, package, command, from the
    registry (hdms_run.services); none of the names in `leave_out` is started."""
    return [
        (process.name, service.package, process.argv(service, BIN))
        for service in services.installed_services()
        for process in service.background
        if process.name not in leave_out
    ]


def supervise(ports: dict[str, int], web_root: str | None = None) -> int:
    """Run in the background: start everything, record the state, stop all on SIGTERM."""
    supervisor = Supervisor(ports)
    if web_root:
        supervisor.web_root = Path(web_root)
    else:
        supervisor.web_root.mkdir(parents=True, exist_ok=True)
    stop_requested = False

    def request_stop(signum: int, frame: Any) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    state: dict[str, Any] = {
        "pid": os.getpid(),
        "ports": ports,
        "status": "starting",
        "web_root": str(web_root or ""),
    }
    write_state(state)
    try:
        supervisor.start_servers()
        supervisor.start_services()
        supervisor.wait_ready()
        state.update(
            status="ready",
            processes={n: p.pid for n, p in supervisor.processes.items()},
            servers={type(s).__name__: s.pid for s in supervisor.servers},
            env={
                k: supervisor.env[k]
                for k in (
                    "DATABASE_URL",
                    "PGBOUNCER_URL",
                    "REDIS_URL",
                    "CLAMD_ADDRESS",
                    "JWT_SECRET_KEY",
                    "FILE_STORAGE_DIR",
                )
            },
        )
        write_state(state)
        while not stop_requested:
            supervisor.check_processes()
            time.sleep(0.5)
    except Exception as exc:  # noqa: BLE001 - reported through the state file
        state.update(status="failed", error=str(exc))
        write_state(state)
    finally:
        supervisor.stop()
        if state["status"] != "failed":
            state["status"] = "stopped"
            write_state(state)
    return 0 if state["status"] == "stopped" else 1


def write_state(state: dict[str, Any]) -> None:
    STACK_DIR.mkdir(parents=True, exist_ok=True)
    temporary = STATE_FILE.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2))
    temporary.replace(STATE_FILE)


def read_state() -> dict[str, Any] | None:
    try:
        return json.loads(STATE_FILE.read_text())  # type: ignore[no-any-return]
    except (OSError, ValueError):
        return None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def up(auto_ports: bool, timeout: float, web: bool = True, web_root: str | None = None) -> int:
    state = read_state()
    if state and state.get("status") in ("starting", "ready") and alive(state["pid"]):
        print(
            f"the stack is already running (supervisor pid {state['pid']}); `make stack-stop` first"
        )
        return 1
    missing = [
        b
        for b in ("pgbouncer", "nginx", "clamd", "redis-server")
        if not shutil.which(b, path=os.environ["PATH"] + ":/usr/sbin")
    ]
    if missing:
        print(f"installing missing servers ({', '.join(missing)}) with scripts/ensure-test-deps.sh")
        subprocess.run(["bash", str(ROOT / "scripts" / "ensure-test-deps.sh")], check=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    STACK_DIR.mkdir(parents=True, exist_ok=True)
    STATE_FILE.unlink(missing_ok=True)
    if web_root:  # a ready export, served as it is
        web_root = str(Path(web_root).resolve())
    elif web:
        built = build_frontend.ensure_web_build()
        web_root = str(built) if built else None
    started = time.monotonic()
    ports = choose_ports(auto_ports)
    log = (LOG_DIR / "stack-supervisor.log").open("ab")
    subprocess.Popen(
        [sys.executable, "-m", "hdms_run.stack", "supervise", json.dumps(ports), web_root or ""],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        cwd=ROOT,
    )
    while time.monotonic() - started < timeout:
        state = read_state()
        if state and state["status"] == "ready":
            print_urls(state, time.monotonic() - started)
            return 0
        if state and state["status"] == "failed":
            print(f"the stack failed to start: {state.get('error')}\nlogs: {LOG_DIR}")
            return 1
        time.sleep(0.5)
    print(f"the stack did not become ready within {timeout:.0f} s; logs: {LOG_DIR}")
    down(quiet=True)
    return 1


def print_urls(state: dict[str, Any], seconds: float) -> None:
    p = state["ports"]
    print(f"HDMS stack ready in {seconds:.1f} s\n")
    if state.get("web_root"):
        print(f"  web application http://localhost:{p['gateway']}/")
    else:
        print("  web application not built (see the line above): the gateway serves the API")
    print(f"  gateway        http://localhost:{p['gateway']}   (API and /ws/ WebSockets)")
    for service in services.SERVICES:
        print(f"  {service.directory:22} http://127.0.0.1:{p[service.name]}")
    print(f"  PostgreSQL     {state['env']['DATABASE_URL']}")
    print(f"  PgBouncer      {state['env']['PGBOUNCER_URL']}")
    print(f"  Redis          {state['env']['REDIS_URL']}")
    print(f"  clamd          {state['env']['CLAMD_ADDRESS']}")
    print(f"\n  logs: {LOG_DIR}/   stop: make stack-stop")
    logins = ", ".join(f"{code}/{password}" for code, password in services.demo_logins().values())
    print(f"  demo logins: {logins}")


def down(quiet: bool = False) -> int:
    state = read_state()
    if not state or not alive(state["pid"]):
        if not quiet:
            print("the stack is not running")
        return 0
    os.kill(state["pid"], signal.SIGTERM)
    deadline = time.monotonic() + 60
    while alive(state["pid"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    if alive(state["pid"]):
        os.killpg(state["pid"], signal.SIGKILL)
    if not quiet:
        print("the stack is stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("up", help="start the stack in the background and wait until ready")
    start.add_argument("--auto-ports", action="store_true", help="use free ports for everything")
    start.add_argument("--timeout", type=float, default=120)
    start.add_argument("--no-web", action="store_true", help="serve the API alone (no UI build)")
    start.add_argument("--web-root", help="serve this ready static export at / (no build)")
    sub.add_parser("down", help="stop everything the stack started")
    sub.add_parser("status", help="print the state file")
    run = sub.add_parser("supervise", help=argparse.SUPPRESS)
    run.add_argument("ports")
    run.add_argument("web_root", nargs="?", default="")
    args = parser.parse_args(argv)
    if args.command == "up":
        return up(args.auto_ports, args.timeout, web=not args.no_web, web_root=args.web_root)
    if args.command == "down":
        return down()
    if args.command == "status":
        print(json.dumps(read_state(), indent=2))
        return 0
    return supervise(json.loads(args.ports), args.web_root or None)


if __name__ == "__main__":
    sys.exit(main())
