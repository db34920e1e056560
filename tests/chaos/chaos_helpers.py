"""Clients and fault tools for the fault-injection tests (conftest puts this folder on sys.path).

Clients are real: requests over HTTP and websocket-client over WebSocket, through nginx, each in
its own thread, retrying the way the web application does (the same Idempotency-Key or
client_msg_id for a retried create, ?after= the last message seen for a reconnecting socket).
Faults touch only what the stack's supervisor started: its server objects and its processes'
ids (and their children, found under /proc), never a process found by name.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2
import requests
import websocket

from hdms_run.services import demo_logins

ROOT = Path(__file__).resolve().parents[2]
#: role -> (employee code, password) of the demo company the stack seeds.
DEMO = {role: demo_logins()[role] for role in ("requestor", "moderator", "assignee", "admin")}
#: Statuses a client may see while a dependency is down (docs/api.md: 503 dependency down).
UNAVAILABLE = 503


def wait_for(check: Any, timeout: float, interval: float = 0.2, what: str = "a condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def children_of(pid: int) -> list[int]:
    """The direct children of `pid` (a supervisor's process): gunicorn or Celery workers."""
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found if _alive(int(child))]


def _socket_inodes(pid: int) -> set[str]:
    inodes: set[str] = set()
    try:
        entries = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return inodes
    for entry in entries:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{entry}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def established_on(port: int) -> set[str]:
    """Inodes of the established TCP connections whose local port is `port`."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":
                inodes.add(fields[9])
    return inodes


@dataclass
class ChaosStack:
    """The running stack: its supervisor (servers and processes), gateway and database."""

    supervisor: Any
    log_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.supervisor.ports['gateway']}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.supervisor.ports['gateway']}"

    def server(self, kind: str) -> Any:
        """The supervisor's server object of that class name (PostgresServer, RedisServer...)."""
        return next(s for s in self.supervisor.servers if type(s).__name__ == kind)

    def process(self, name: str) -> Any:
        return self.supervisor.processes[name]

    # --- faults ------------------------------------------------------------------------------

    def crash_server(self, kind: str) -> None:
        """SIGKILL the server's whole process group (as a crashed host would), then reap it."""
        server = self.server(kind)
        pid = server.pid
        assert pid is not None, f"{kind} is not running"
        os.killpg(pid, signal.SIGKILL)  # the server runs in its own group, led by this pid
        wait_for(lambda: not _group_alive(pid), 10, 0.05, f"{kind}'s processes to exit")
        server.stop()  # reaps the main process; start() runs it again on the same port

    def kill_children(self, name: str) -> list[int]:
        """SIGKILL every child (pool process) of the supervisor's process `name`."""
        killed = children_of(self.process(name).pid)
        for child in killed:
            os.kill(child, signal.SIGKILL)
        return killed

    def websocket_workers(self) -> dict[int, int]:
        """communication-service's gunicorn workers -> their established WebSocket count."""
        sockets = established_on(self.supervisor.ports["websocket"])
        return {
            pid: len(_socket_inodes(pid) & sockets)
            for pid in children_of(self.process("communication").pid)
        }

    # --- checks ------------------------------------------------------------------------------

    def ready(self) -> bool:
        ports = self.supervisor.ports
        for name in ("auth", "ticket", "communication", "file"):
            try:
                response = requests.get(f"http://127.0.0.1:{ports[name]}/readyz", timeout=2)
            except requests.RequestException:
                return False
            if response.status_code != 200:
                return False
        return True

    def wait_healthy(self, timeout: float = 30) -> None:
        """Every process runs and every service is ready (each test leaves the stack so)."""
        self.supervisor.check_processes()
        wait_for(self.ready, timeout, 0.2, "every service to be ready")

    def sql(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the database directly (not through PgBouncer), as an auditor would."""
        connection = psycopg2.connect(self.server("PostgresServer").url, connect_timeout=5)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(query, params)
                return list(cursor.fetchall())
        finally:
            connection.close()

    def access_log(self) -> list[dict[str, Any]]:
        lines = (self.log_dir / "nginx-access.log").read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    # --- users -------------------------------------------------------------------------------

    def login(self, role: str) -> dict[str, str]:
        code, password = DEMO[role]
        response = requests.post(
            f"{self.url}/api/auth/login-hdms",
            json={"employee_code": code, "password": password},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access']}"}

    def users(self) -> dict[str, dict[str, str]]:
        return {role: self.login(role) for role in DEMO}

    def department(self, headers: dict[str, str], code: str) -> str:
        items = requests.get(
            f"{self.url}/api/departments/?limit=100", headers=headers, timeout=10
        ).json()["items"]
        return str(next(d["id"] for d in items if d["code"] == code))

    def me(self, headers: dict[str, str]) -> dict[str, Any]:
        response = requests.get(f"{self.url}/api/auth/me", headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def open_chat_ticket(self, users: dict[str, dict[str, str]]) -> dict[str, Any]:
        """An IT ticket assigned to the assignee, whose chat all three people can use."""
        it = self.department(users["requestor"], "IT")
        created = requests.post(
            f"{self.url}/api/tickets/",
            headers=users["requestor"],
            json={"title": "Chat under faults", "description": "Chaos.", "department_id": it},
            timeout=10,
        )
        assert created.status_code == 201, created.text
        ticket = created.json()
        assigned = requests.post(
            f"{self.url}/api/tickets/{ticket['id']}/assign",
            headers=users["moderator"],
            json={"assignee_id": self.me(users["assignee"])["id"], "version": ticket["version"]},
            timeout=10,
        )
        assert assigned.status_code == 200, assigned.text
        ticket = assigned.json()

        def everyone_in() -> bool:
            response = requests.get(
                f"{self.url}/api/chat/{ticket['id']}/participants/",
                headers=users["assignee"],
                timeout=10,
            )
            return response.status_code == 200 and ticket["assignee_id"] in {
                item["user_id"] for item in response.json()["items"]
            }

        wait_for(everyone_in, 20, 0.2, "the chat's participants")
        return ticket

    def stored_messages(self, ticket_id: str) -> list[tuple[int, str, str]]:
        """(seq, id, client_msg_id) of every stored message of the ticket, in order."""
        rows = self.sql(
            "SELECT seq, id::text, client_msg_id FROM chat_messages WHERE ticket_id = %s "
            "ORDER BY seq",
            (ticket_id,),
        )
        return [(int(seq), str(id_), str(client)) for seq, id_, client in rows]


def _group_alive(pgid: int) -> bool:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


# --- HTTP clients that retry ---------------------------------------------------------------


@dataclass
class Attempt:
    """One HTTP request of a client: when it ran and what came back (None: no answer)."""

    key: str
    started: float
    ended: float
    status: int | None
    #: The request id nginx gave it and the start of the body, to find it in the logs.
    detail: str = ""


@dataclass
class RetryingWriter:
    """Base of the clients below: a thread sending one write after another, each retried.

    A write is retried with the same key until it is acknowledged (2xx), as a client does after
    an error or a time-out, and a new write begins only then; after `stop` is set the write in
    flight is still finished (up to `give_up_after` seconds for each).
    """

    stop: threading.Event
    give_up_after: float = 40.0
    pause: float = 0.2
    attempts: list[Attempt] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    acknowledged: dict[str, Any] = field(default_factory=dict)
    abandoned: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    thread: threading.Thread | None = None

    def send(self, session: requests.Session, key: str) -> requests.Response:
        raise NotImplementedError

    def start(self) -> RetryingWriter:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def join(self, timeout: float) -> None:
        assert self.thread is not None
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "a client did not finish"

    def _run(self) -> None:
        session = requests.Session()
        try:
            while not self.stop.is_set():
                key = str(uuid.uuid4())
                self.sent.append(key)
                self._until_acknowledged(session, key)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(repr(exc))

    def _until_acknowledged(self, session: requests.Session, key: str) -> None:
        first = time.monotonic()
        while True:
            started = time.monotonic()
            detail = ""
            try:
                response = self.send(session, key)
                status: int | None = response.status_code
                if status >= 300:
                    detail = f"{response.headers.get('X-Request-ID')} {response.text[:200]}"
            except requests.RequestException as exc:
                status = None
                detail = repr(exc)
                session.close()
                session = requests.Session()
            self.attempts.append(Attempt(key, started, time.monotonic(), status, detail))
            if status is not None and 200 <= status < 300:
                self.acknowledged[key] = response.json()
                return
            if time.monotonic() - first > self.give_up_after:
                self.abandoned.append(key)
                return
            time.sleep(self.pause)


@dataclass
class TicketCreator(RetryingWriter):
    """Opens tickets titled after their Idempotency-Key, retrying with the same key."""

    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    department_id: str = ""

    def send(self, session: requests.Session, key: str) -> requests.Response:
        return session.post(
            f"{self.url}/api/tickets/",
            headers={**self.headers, "Idempotency-Key": key},
            json={
                "title": f"chaos {key}",
                "description": "Opened during a fault.",
                "department_id": self.department_id,
            },
            timeout=10,
        )


@dataclass
class ChatPoster(RetryingWriter):
    """Posts chat messages over HTTP, retrying each with the same client_msg_id."""

    url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    ticket_id: str = ""
    pause_between: float = 0.05

    def send(self, session: requests.Session, key: str) -> requests.Response:
        response = session.post(
            f"{self.url}/api/chat/{self.ticket_id}/messages/",
            headers=self.headers,
            json={"body": f"message {key}", "client_msg_id": key},
            timeout=10,
        )
        if 200 <= response.status_code < 300:
            time.sleep(self.pause_between)
        return response


@dataclass
class WriteReport:
    """What the writers sent and what the database holds, per key."""

    sent: int
    acknowledged: int
    stored: int
    lost: list[str]
    duplicated: dict[str, int]
    unacknowledged_but_stored: list[str]
    abandoned: list[str]
    statuses: Counter[int | None]
    recovery_seconds: float | None
    failed_attempts: list[Attempt]

    def line(self) -> str:
        recovery = self.recovery_seconds
        return (
            f"sent {self.sent}, acknowledged {self.acknowledged}, stored {self.stored}, "
            f"lost {len(self.lost)}, duplicated {len(self.duplicated)}, "
            f"abandoned {len(self.abandoned)}, answers {dict(self.statuses)}, "
            f"recovered in {'never' if recovery is None else f'{recovery:.2f} s'}"
        )


def unexpected_answers(report: WriteReport, allowed: set[int | None]) -> list[str]:
    """One example (request id and body) of each failed answer whose status is not allowed."""
    examples: dict[int | None, str] = {}
    for attempt in report.failed_attempts:
        if attempt.status not in allowed:
            examples.setdefault(attempt.status, attempt.detail)
    return [f"{status}: {detail}" for status, detail in examples.items()]


def write_report(
    writers: list[RetryingWriter], stored_counts: dict[str, int], back_at: float
) -> WriteReport:
    """Compare what clients were told with what is stored; `back_at` = the fault's end."""
    sent = [key for w in writers for key in w.sent]
    acknowledged = {key for w in writers for key in w.acknowledged}
    attempts = [a for w in writers for a in w.attempts]
    firsts = []
    for writer in writers:
        after = [
            a.ended
            for a in writer.attempts
            if a.ended >= back_at and a.status is not None and 200 <= a.status < 300
        ]
        firsts.append(min(after) - back_at if after else None)
    recovery = None if any(f is None for f in firsts) else max(f for f in firsts if f is not None)
    return WriteReport(
        sent=len(sent),
        acknowledged=len(acknowledged),
        stored=sum(1 for key in sent if stored_counts.get(key)),
        lost=sorted(key for key in acknowledged if not stored_counts.get(key)),
        duplicated={key: n for key, n in stored_counts.items() if n > 1},
        unacknowledged_but_stored=sorted(
            key for key in sent if key not in acknowledged and stored_counts.get(key)
        ),
        abandoned=[key for w in writers for key in w.abandoned],
        statuses=Counter(a.status for a in attempts),
        recovery_seconds=recovery,
        failed_attempts=[a for a in attempts if a.status is None or a.status >= 300],
    )


# --- WebSocket readers that resume ----------------------------------------------------------


@dataclass
class ChatReader:
    """Follows a ticket's chat over WebSocket, reconnecting with ?after= the last seq seen.

    Every message frame is recorded in arrival order, so a gap or a duplicate shows.
    """

    ws_url: str
    token: str
    ticket_id: str
    stop: threading.Event
    #: Where the first connection starts (0: the chat's first message).
    after: int = 0
    messages: list[dict[str, Any]] = field(default_factory=list)
    connections: int = 0
    closes: list[Any] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def last_seq(self) -> int:
        return int(self.messages[-1]["seq"]) if self.messages else self.after

    def start(self) -> ChatReader:
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def join(self, timeout: float) -> None:
        assert self.thread is not None
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "a chat reader did not finish"

    def _run(self) -> None:
        while not self.stop.is_set():
            url = (
                f"{self.ws_url}/ws/chat/{self.ticket_id}/?after={self.last_seq}&token={self.token}"
            )
            try:
                connection = websocket.create_connection(url, timeout=2)
            except (OSError, websocket.WebSocketException) as exc:
                self.closes.append(f"connect: {exc!r}")
                time.sleep(0.2)
                continue
            self.connections += 1
            try:
                self._read(connection)
            finally:
                connection.close()
            time.sleep(0.1)

    def _read(self, connection: websocket.WebSocket) -> None:
        while not self.stop.is_set():
            try:
                text = connection.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (OSError, websocket.WebSocketException) as exc:
                self.closes.append(repr(exc))
                return
            if not text:
                self.closes.append(("closed", connection.status))
                return
            frame = json.loads(text)
            if frame.get("type") == "message":
                self.messages.append(frame)
            elif frame.get("type") == "ready":
                self.ready.set()

    def seqs(self) -> list[int]:
        return [int(m["seq"]) for m in self.messages]


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].split(" ", 1)[1]


def chat_report(readers: list[ChatReader], stored: list[tuple[int, str, str]]) -> str:
    return (
        "; ".join(
            f"reader {i}: {len(r.messages)} frames, {r.connections} connections"
            for i, r in enumerate(readers)
        )
        + f"; stored {len(stored)}"
    )
