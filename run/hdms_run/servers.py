"""Real PostgreSQL, PgBouncer, Redis, nginx and clamd for tests, run from local binaries.

The services are tested against the servers they run on in production, not against fakes:
SQLite and in-memory stand-ins hide locking, pooling and scanning behaviour (docs/pitfalls.md). Each
server here listens on a free loopback port, keeps every file in its own temporary folder and
runs in its own process group, so parallel sessions do not collide and nothing touches the
system installation (/etc, /var/lib, system services).

Lifecycle, the same for every class:

    server = PostgresServer()   # picks a port, creates the folder; nothing runs yet
    server.start()              # blocks until the server accepts work (or raises with its log)
    server.stop()               # stops it; the folder stays, so start() can run it again
    server.close()              # stops it and deletes the folder (also done at exit)

``with PostgresServer() as pg:`` does start() and close(). Servers still open when the
interpreter exits are closed by atexit; if the session is killed hard (SIGKILL, OOM, a CI
timeout), a small watchdog process notices and stops them and deletes their folders.

PostgreSQL and PgBouncer refuse to run as root: when the tests run as root they run as the
``postgres`` system account (or ``nobody``) in a folder that account owns.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import grp
import json
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import ClassVar, NamedTuple, Self
from urllib.parse import quote

__all__ = [
    "DEFAULT_START_TIMEOUT",
    "EICAR_SIGNATURES",
    "HOST",
    "ClamdServer",
    "MissingBinaryError",
    "NginxServer",
    "PgBouncerServer",
    "PostgresServer",
    "RedisServer",
    "ServerError",
    "ServerStartError",
    "find_binary",
    "free_port",
    "postgres_bindir",
]

HOST = "127.0.0.1"
DEFAULT_START_TIMEOUT = 30.0
# A fast shutdown takes well under a second; past this the process group is killed.
STOP_TIMEOUT = 15.0
# The shipped ClamAV body signature: finds the EICAR string anywhere in a file.
EICAR_SIGNATURES = Path(__file__).resolve().parent / "clamd_data" / "eicar.ndb"

_DEPS_SCRIPT = "scripts/ensure-test-deps.sh"
# nginx, pgbouncer and clamd live here, and these folders are not on an ordinary user's PATH.
_SBIN_DIRS = ("/usr/local/sbin", "/usr/sbin", "/sbin")
# A unix socket path must fit in sun_path (108 bytes); leave room for the socket's file name.
_MAX_SOCKET_DIR_LENGTH = 80
_LOG_TAIL_LINES = 40
_POLL_INTERVAL = 0.05
# How PostgreSQL, PgBouncer, Redis, nginx and clamd all report a port that is taken.
_ADDRESS_IN_USE = re.compile(r"address already in use", re.I)


class ServerError(RuntimeError):
    """A test server could not be found, configured, started or stopped."""


class MissingBinaryError(ServerError):
    """A server binary is not installed; the message names the Debian package to install."""

    def __init__(self, binary: str, package: str) -> None:
        self.binary = binary
        self.package = package
        super().__init__(
            f"{binary} was not found (Debian package {package}). Run {_DEPS_SCRIPT} to install "
            "every server the tests need."
        )


class ServerStartError(ServerError):
    """A server exited or did not become ready; the message ends with the tail of its log."""


class _PortTakenError(ServerStartError):
    """The port chosen for a server was taken before it could bind it; another one may work."""


# --------------------------------------------------------------------------- ports, binaries

_ports_handed_out: set[int] = set()
_ports_lock = threading.Lock()


def free_port() -> int:
    """Return a loopback TCP port that nothing listens on right now.

    The kernel picks it (a bind to port 0), so parallel sessions rarely collide, and ports this
    process already handed out are skipped so two servers of one session never share one. The
    port can still be taken before the server binds it: servers that were not given a fixed
    port retry with a new one.
    """
    with _ports_lock:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind((HOST, 0))
                port: int = sock.getsockname()[1]
            if port not in _ports_handed_out:
                _ports_handed_out.add(port)
                return port
    raise ServerError("could not find a free loopback port")


def find_binary(name: str, package: str) -> str:
    """Return the absolute path of the program `name`, also searching the sbin folders.

    Raises MissingBinaryError naming `package` when it is not installed.
    """
    search_path = os.pathsep.join([os.environ.get("PATH", os.defpath), *_SBIN_DIRS])
    found = shutil.which(name, path=search_path)
    if found is None:
        raise MissingBinaryError(name, package)
    return found


def _major_version(bindir: Path) -> int:
    try:
        return int(bindir.parent.name)
    except ValueError:
        return -1


@functools.cache
def postgres_bindir() -> Path:
    """Return the folder holding initdb, postgres and psql.

    Debian keeps them in /usr/lib/postgresql/<major>/bin, off PATH. pg_config may come from a
    newer libpq than the installed server, so each candidate must really contain the server.
    The environment variable HDMS_PG_BINDIR overrides the search.
    """
    candidates: list[Path] = []
    override = os.environ.get("HDMS_PG_BINDIR")
    if override:
        candidates.append(Path(override))
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        result = subprocess.run(  # noqa: S603 - absolute path found on PATH, fixed argument
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))
    candidates.extend(
        sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_major_version, reverse=True)
    )
    initdb_on_path = shutil.which("initdb")
    if initdb_on_path is not None:
        candidates.append(Path(initdb_on_path).parent)
    for bindir in candidates:
        if all((bindir / name).is_file() for name in ("initdb", "postgres", "psql")):
            return bindir
    raise MissingBinaryError("initdb/postgres (PostgreSQL server)", "postgresql")


# --------------------------------------------------------------------------- accounts, folders


class _Account(NamedTuple):
    """An unprivileged account to run a server as when the tests run as root."""

    name: str
    uid: int
    gid: int


def _unprivileged_account() -> _Account | None:
    """Return the account PostgreSQL and PgBouncer must run as, or None to run as ourselves.

    Both refuse to run as root. The postgres system account exists wherever the server package
    is installed; nobody exists everywhere else.
    """
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return _Account(name, entry.pw_uid, entry.pw_gid)
    raise ServerError(
        "the tests run as root but there is no postgres or nobody account to run the server as"
    )


def _reachable_by(folder: Path, account: _Account) -> bool:
    """Tell whether `account` may traverse every folder from / down to `folder`.

    pytest's tmp_path lives under /tmp/pytest-of-root (mode 0700), which the postgres account
    cannot enter even though it would own the folder we create inside it.
    """
    groups = {account.gid} | {g.gr_gid for g in grp.getgrall() if account.name in g.gr_mem}
    for part in (folder, *folder.parents):
        info = part.stat()
        if info.st_uid == account.uid:
            needed = stat.S_IXUSR
        elif info.st_gid in groups:
            needed = stat.S_IXGRP
        else:
            needed = stat.S_IXOTH
        if not info.st_mode & needed:
            return False
    return True


def _give_to(path: Path, account: _Account | None) -> None:
    """Hand a file or folder we created as root to the account the server runs as."""
    if account is not None:
        os.chown(path, account.uid, account.gid)


def _write_file(path: Path, text: str, account: _Account | None, mode: int = 0o600) -> None:
    """Write a config file the server (possibly another account) can read and nobody else."""
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    _give_to(path, account)


# --------------------------------------------------------------------------- watchdog

# Runs in a separate session so that neither Ctrl-C nor the death of the test process reaches
# it. It learns which process groups and folders exist from a pipe; end of file on that pipe
# means the test process is gone, so whatever is still registered is stopped and deleted.
_WATCHDOG_SOURCE = r"""
import json, os, shutil, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
groups, folders = {}, {}
for line in sys.stdin:
    message = json.loads(line)
    kind, key = message["kind"], message["key"]
    table = groups if kind == "group" else folders
    if message["add"]:
        table[key] = message.get("signal", 0)
    else:
        table.pop(key, None)

def signal_group(pgid, signum):
    try:
        os.killpg(int(pgid), signum)
    except OSError:
        return False
    return True

def group_alive(pgid):
    # Orphaned zombies wait for init to reap them, which can take a while: they count as gone.
    try:
        entries = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return signal_group(pgid, 0)
    for entry in entries:
        try:
            with open("/proc/" + entry + "/stat") as stat_file:
                fields = stat_file.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == int(pgid):
            return True
    return False

for pgid, signum in groups.items():
    signal_group(pgid, signum)
deadline = time.monotonic() + 10
while time.monotonic() < deadline and any(group_alive(g) for g in groups):
    time.sleep(0.05)
for pgid in groups:
    signal_group(pgid, signal.SIGKILL)
for path in folders:
    shutil.rmtree(path, ignore_errors=True)
"""


class _Watchdog:
    """A helper process that stops our servers and deletes their folders if we die.

    atexit does not run when the test process is killed hard, and the servers run in their own
    process groups (so that a terminal's Ctrl-C does not shut PostgreSQL down under a test that
    is still tearing down), so nothing else would stop them. A parent-death signal (prctl) would
    fire when the starting thread ends rather than the process, and would leave the folders.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._registered: dict[tuple[str, str], int] = {}

    def watch_group(self, pgid: int, signum: int) -> None:
        """Stop process group `pgid` with `signum` (then SIGKILL) if the tests die."""
        self._update("group", str(pgid), add=True, signum=signum)

    def forget_group(self, pgid: int) -> None:
        """The group has been stopped normally."""
        self._update("group", str(pgid), add=False)

    def watch_folder(self, path: Path) -> None:
        """Delete `path` if the tests die."""
        self._update("folder", str(path), add=True)

    def forget_folder(self, path: Path) -> None:
        """The folder has been deleted normally."""
        self._update("folder", str(path), add=False)

    def shutdown(self) -> None:
        """Let the helper exit; whatever is still registered is cleaned up by it."""
        with self._lock:
            process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=1)

    def _update(self, kind: str, key: str, *, add: bool, signum: int = 0) -> None:
        with self._lock:
            if add:
                self._registered[(kind, key)] = signum
            else:
                self._registered.pop((kind, key), None)
            message = {"kind": kind, "key": key, "add": add, "signal": signum}
            try:
                self._send(message)
            except OSError:
                # The helper died (someone killed it): start a new one that knows everything.
                self._process = None
                self._send(message)

    def _send(self, message: Mapping[str, object]) -> None:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed code
                [sys.executable, "-I", "-c", _WATCHDOG_SOURCE],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
                start_new_session=True,
            )
            lines = [
                json.dumps({"kind": k, "key": key, "add": True, "signal": sig})
                for (k, key), sig in self._registered.items()
            ]
        else:
            lines = [json.dumps(dict(message))]
        stdin = self._process.stdin
        if stdin is None:
            raise ServerError("the watchdog process has no input pipe")
        stdin.write("".join(line + "\n" for line in lines))
        stdin.flush()


_watchdog = _Watchdog()
# Insertion-ordered: servers are closed newest first, so PgBouncer goes before its PostgreSQL.
_open_servers: dict[_Server, None] = {}


def _close_all_servers() -> None:
    """Close every server still open when the interpreter exits."""
    for server in reversed(list(_open_servers)):
        if server._owned_by_this_process:
            with contextlib.suppress(Exception):
                server.close()
    _watchdog.shutdown()


atexit.register(_close_all_servers)


# --------------------------------------------------------------------------- base class


class _Server:
    """What every server shares: folder, port, process group, readiness wait, log tail."""

    _kind: ClassVar[str] = "server"
    # Sent to the main process by stop(): each server's own "shut down quickly" signal.
    _stop_signal: ClassVar[signal.Signals] = signal.SIGTERM
    # Sent by the watchdog to the whole group when the tests died without stopping it.
    _abandon_signal: ClassVar[signal.Signals] = signal.SIGTERM
    # PostgreSQL and PgBouncer refuse to run as root.
    _refuses_root: ClassVar[bool] = False

    def __init__(
        self,
        base_dir: str | os.PathLike[str] | None,
        *,
        port: int | None,
        start_timeout: float,
    ) -> None:
        self._account = _unprivileged_account() if self._refuses_root else None
        self._port = port if port is not None else free_port()
        # Once clients were given the address, a restart must keep it.
        self._port_fixed = port is not None
        self._start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._closed = False
        self._log_offsets: dict[Path, int] = {}
        self._folders: list[Path] = []
        # A forked child inherits this object but must not stop the parent's server at exit.
        self._owner_pid = os.getpid()
        self._temp_dir = self._make_folder(base_dir)
        _open_servers[self] = None

    # ----------------------------------------------------------------- public surface

    @property
    def host(self) -> str:
        """The loopback address the server listens on."""
        return HOST

    @property
    def port(self) -> int:
        """The TCP port; fixed after the first successful start()."""
        return self._port

    @property
    def temp_dir(self) -> Path:
        """The folder holding the server's configuration, data and logs."""
        return self._temp_dir

    @property
    def log_path(self) -> Path:
        """The server's log file (its stdout and stderr)."""
        return self._output_path

    @property
    def pid(self) -> int | None:
        """The main process id while the server runs, else None."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    @property
    def _owned_by_this_process(self) -> bool:
        """False in a forked child, which must leave the parent's server alone."""
        return self._owner_pid == os.getpid()

    @property
    def running(self) -> bool:
        """Whether the main process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> Self:
        """Start the server and block until it accepts work; do nothing if it already runs.

        Raises ServerStartError, ending with the tail of the log, when it exits or is not
        ready within `start_timeout` seconds.
        """
        if self._closed:
            raise ServerError(f"{self!r} was closed; create a new one")
        if self.running:
            return self
        attempts = 1 if self._port_fixed else 3
        for attempt in range(1, attempts + 1):
            try:
                self._start_once()
            except _PortTakenError:
                if attempt == attempts:
                    raise
                self._port = free_port()
                continue
            break
        self._port_fixed = True
        return self

    def stop(self) -> None:
        """Stop the server, keeping its folder so that start() can run it again.

        The server's own quick shutdown signal first; the whole process group is killed if it
        has not exited within STOP_TIMEOUT seconds. Calling it again does nothing.
        """
        process, self._process = self._process, None
        if process is None:
            return
        try:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(self._stop_signal)
                try:
                    process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    # Not reaped yet, so the group id cannot have been reused.
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        finally:
            _watchdog.forget_group(process.pid)

    def restart(self) -> Self:
        """Stop and start again on the same port with the same data."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop the server and delete its folder; it cannot be started again."""
        if self._closed:
            return
        self._closed = True
        try:
            self.stop()
        finally:
            for folder in self._folders:
                shutil.rmtree(folder, ignore_errors=True)
                _watchdog.forget_folder(folder)
            _open_servers.pop(self, None)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "running" if self.running else "stopped"
        return f"<{type(self).__name__} {HOST}:{self._port} {state}>"

    # ----------------------------------------------------------------- for subclasses

    @property
    def _output_path(self) -> Path:
        return self._temp_dir / f"{self._kind}.log"

    def _log_files(self) -> list[Path]:
        """Files whose tail explains a failed start."""
        return [self._output_path]

    def _prepare(self) -> None:
        """Write configuration (and data) before each start."""

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _is_ready(self) -> bool:
        raise NotImplementedError

    def _environment(self) -> dict[str, str]:
        """Our environment without libpq's PG* variables, which would redirect psql."""
        return {key: value for key, value in os.environ.items() if not key.startswith("PG")}

    def _make_folder(self, base_dir: str | os.PathLike[str] | None, *, short: bool = False) -> Path:
        """Create a folder the server's account owns, reachable by it, deleted by close().

        `short` asks for a path short enough to hold unix sockets.
        """
        system_temp = Path(tempfile.gettempdir())
        parent = Path(base_dir) if base_dir is not None else system_temp
        if short and len(str(parent)) > _MAX_SOCKET_DIR_LENGTH - 30:
            parent = system_temp
        parent.mkdir(parents=True, exist_ok=True)
        account = self._account
        if account is not None and not _reachable_by(parent, account):
            parent = system_temp
            if not _reachable_by(parent, account):
                raise ServerError(
                    f"{account.name} cannot reach {parent}; set TMPDIR to a folder every "
                    "account can traverse"
                )
        folder = Path(tempfile.mkdtemp(prefix=f"hdms-{self._kind}-", dir=parent))
        _give_to(folder, account)
        self._folders.append(folder)
        _watchdog.watch_folder(folder)
        return folder

    def _run(self, command: Sequence[str], what: str) -> str:
        """Run a setup command as the server's account; raise with its output if it fails."""
        account = self._account
        result = subprocess.run(  # noqa: S603 - absolute paths and arguments built here
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self._temp_dir,
            env=self._environment(),
            user=account.uid if account else None,
            group=account.gid if account else None,
            extra_groups=[] if account else None,
            check=False,
            timeout=self._start_timeout,
        )
        if result.returncode != 0:
            raise ServerStartError(f"{what} failed with code {result.returncode}:\n{result.stdout}")
        return result.stdout

    def _start_once(self) -> None:
        self._prepare()
        self._log_offsets = {
            path: path.stat().st_size if path.exists() else 0 for path in self._log_files()
        }
        account = self._account
        with open(self._output_path, "ab") as output:
            _give_to(self._output_path, account)
            process = subprocess.Popen(  # noqa: S603 - absolute paths and arguments built here
                self._command(),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=self._temp_dir,
                env=self._environment(),
                user=account.uid if account else None,
                group=account.gid if account else None,
                extra_groups=[] if account else None,
                process_group=0,
            )
        self._process = process
        _watchdog.watch_group(process.pid, self._abandon_signal)
        deadline = time.monotonic() + self._start_timeout
        while True:
            code = process.poll()
            if code is not None:
                self.stop()
                tail = self._log_tail()
                error = _PortTakenError if _ADDRESS_IN_USE.search(tail) else ServerStartError
                raise error(self._failure(f"exited with code {code} while starting", tail))
            if self._is_ready():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise ServerStartError(
                    self._failure(
                        f"was not ready after {self._start_timeout:g} s", self._log_tail()
                    )
                )
            time.sleep(_POLL_INTERVAL)

    def _failure(self, what: str, tail: str) -> str:
        return f"{type(self).__name__} on {HOST}:{self._port} {what}; end of its log:\n{tail}"

    def _log_tail(self) -> str:
        """The last lines each log file gained since the latest start."""
        parts: list[str] = []
        for path in self._log_files():
            try:
                with open(path, "rb") as log:
                    log.seek(self._log_offsets.get(path, 0))
                    text = log.read().decode("utf-8", "replace")
            except OSError:
                continue
            lines = text.splitlines()[-_LOG_TAIL_LINES:]
            if lines:
                parts.append(f"--- {path} ---\n" + "\n".join(lines))
        return "\n".join(parts) or "(the log is empty)"


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def _exchange(port: int, request: bytes, terminator: bytes) -> bytes:
    """Send one request and read the answer up to `terminator`; b"" when it cannot connect."""
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as sock:
            sock.sendall(request)
            answer = b""
            while terminator not in answer:
                chunk = sock.recv(1024)
                if not chunk:
                    break
                answer += chunk
            return answer
    except OSError:
        return b""


# --------------------------------------------------------------------------- PostgreSQL

_POSTGRES_TEST_SETTINGS: dict[str, str | int | bool] = {
    "listen_addresses": HOST,
    "max_connections": 200,
    # Durability is worthless for a database deleted after the session, and costs seconds.
    "fsync": False,
    "synchronous_commit": False,
    "full_page_writes": False,
    "timezone": "UTC",
    "log_timezone": "UTC",
    "log_line_prefix": "%m [%p] %q%u@%d ",
}


def _postgres_value(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int | float):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _database_url(user: str, password: str, port: int, database: str) -> str:
    return (
        f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}"
        f"@{HOST}:{port}/{quote(database, safe='')}"
    )


class PostgresServer(_Server):
    """PostgreSQL in its own data folder, tuned for speed over durability.

    The data folder survives stop(), so a test can take the database away (to see a readiness
    probe fail) and bring it back with start() on the same port with the same data. The role
    `user` is the bootstrap superuser, with `password` for TCP (scram-sha-256) and trust on the
    unix socket; `database` is created owned by it.
    """

    _kind = "postgres"
    _stop_signal = signal.SIGINT  # "fast": roll back open transactions and exit
    _abandon_signal = signal.SIGQUIT  # "immediate": nobody is left to wait for a clean stop
    _refuses_root = True

    def __init__(
        self,
        base_dir: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        user: str = "hdms",
        password: str = "hdms",  # noqa: S107 - a throwaway local test cluster
        database: str = "hdms_db",
        settings: Mapping[str, str | int | float | bool] | None = None,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ) -> None:
        self._bindir = postgres_bindir()
        super().__init__(base_dir, port=port, start_timeout=start_timeout)
        self._user = user
        self._password = password
        self._database = database
        self._settings = {**_POSTGRES_TEST_SETTINGS, **(settings or {})}
        self._database_created = False
        if len(str(self._temp_dir)) <= _MAX_SOCKET_DIR_LENGTH:
            self._socket_dir = self._temp_dir
        else:
            self._socket_dir = self._make_folder(base_dir, short=True)

    @property
    def url(self) -> str:
        """postgresql://user:password@127.0.0.1:port/database"""
        return _database_url(self._user, self._password, self._port, self._database)

    def url_for(self, database: str) -> str:
        """The URL of another database on this server (for example one per xdist worker)."""
        return _database_url(self._user, self._password, self._port, database)

    @property
    def user(self) -> str:
        """The superuser role the URL logs in as."""
        return self._user

    @property
    def password(self) -> str:
        """The role's password."""
        return self._password

    @property
    def database(self) -> str:
        """The database the URL points at."""
        return self._database

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder (PGDATA)."""
        return self._temp_dir / "data"

    @property
    def socket_dir(self) -> Path:
        """The folder holding the server's unix socket."""
        return self._socket_dir

    @property
    def bindir(self) -> Path:
        """The folder of the PostgreSQL programs used."""
        return self._bindir

    def start(self) -> Self:
        """Start PostgreSQL (initialising the cluster the first time) and wait until ready."""
        super().start()
        if not self._database_created:
            self.execute_sql(
                f"CREATE DATABASE {_quote_identifier(self._database)} "
                f"OWNER {_quote_identifier(self._user)}"
            )
            self._database_created = True
        return self

    def execute_sql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL with psql over the unix socket as the superuser; return its unaligned output.

        For setup that must not depend on a driver, such as CREATE DATABASE.
        """
        command = [
            str(self._bindir / "psql"),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            str(self._socket_dir),
            "-p",
            str(self._port),
            "-U",
            self._user,
            "-d",
            database,
            "-c",
            sql,
        ]
        result = subprocess.run(  # noqa: S603 - absolute path, SQL passed as one argument
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=self._environment(),
            check=False,
            timeout=60,
        )
        if result.returncode != 0:
            raise ServerError(f"psql failed on {self!r}: {result.stderr.strip()}")
        return result.stdout

    def _prepare(self) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            return
        password_file = self._temp_dir / "initdb-password"
        _write_file(password_file, self._password + "\n", self._account)
        locale = "C.UTF-8" if Path("/usr/lib/locale/C.utf8").exists() else "C"
        try:
            output = self._run(
                [
                    str(self._bindir / "initdb"),
                    "--pgdata",
                    str(self.data_dir),
                    "--username",
                    self._user,
                    "--pwfile",
                    str(password_file),
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    f"--locale={locale}",
                    "--no-sync",
                    "--no-instructions",
                ],
                "initdb",
            )
        finally:
            password_file.unlink(missing_ok=True)
        with open(self._output_path, "a", encoding="utf-8") as log:
            log.write(output)
        _give_to(self._output_path, self._account)
        settings = {**self._settings, "unix_socket_directories": str(self._socket_dir)}
        lines = [f"{key} = {_postgres_value(value)}" for key, value in settings.items()]
        with open(self.data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# HDMS test settings\n" + "\n".join(lines) + "\n")

    def _command(self) -> list[str]:
        return [str(self._bindir / "postgres"), "-D", str(self.data_dir), "-p", str(self._port)]

    def _is_ready(self) -> bool:
        # The eighth line of postmaster.pid turns to "ready" once connections are accepted;
        # a TCP connect alone succeeds while the server still answers "starting up".
        try:
            lines = (self.data_dir / "postmaster.pid").read_text(encoding="utf-8").splitlines()
        except OSError:
            return False
        return len(lines) >= 8 and lines[7].strip() == "ready" and _accepts_connections(self._port)


# --------------------------------------------------------------------------- PgBouncer


def _ini_name(name: str) -> str:
    """A database name as pgbouncer.ini accepts it: bare when plain, else quoted."""
    return name if re.fullmatch(r"\w+", name) else '"' + name.replace('"', '""') + '"'


class PgBouncerServer(_Server):
    """PgBouncer in front of a PostgresServer, in transaction pooling mode like production.

    Clients authenticate with the PostgreSQL role and password (scram-sha-256); PgBouncer logs
    in to PostgreSQL with the same password. Every database of the server is reachable, not only
    the default one. Client-side startup parameters that PgBouncer cannot pass through
    (extra_float_digits, options: psycopg2 and SQLAlchemy send them) are ignored.
    """

    _kind = "pgbouncer"
    _stop_signal = signal.SIGTERM  # immediate shutdown; SIGINT would wait for clients
    _refuses_root = True

    def __init__(
        self,
        postgres: PostgresServer,
        base_dir: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        pool_mode: str = "transaction",
        default_pool_size: int = 20,
        max_client_conn: int = 500,
        settings: Mapping[str, str | int] | None = None,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ) -> None:
        self._binary = find_binary("pgbouncer", "pgbouncer")
        super().__init__(base_dir, port=port, start_timeout=start_timeout)
        self._postgres = postgres
        self._settings: dict[str, str | int] = {
            "pool_mode": pool_mode,
            "default_pool_size": default_pool_size,
            "max_client_conn": max_client_conn,
            "ignore_startup_parameters": "extra_float_digits,options",
            # After PostgreSQL was down, retry the login after 1 s rather than 15 s, so a test
            # that restarts it sees the database again promptly.
            "server_login_retry": 1,
            # A client that arrives just after PostgreSQL went away waits this long for a
            # server (120 s by default) before it gets an error; clients arriving after that
            # first failed login are refused at once until a login succeeds again.
            "query_wait_timeout": 5,
            **(settings or {}),
        }

    @property
    def postgres(self) -> PostgresServer:
        """The PostgreSQL server behind the pool."""
        return self._postgres

    @property
    def url(self) -> str:
        """postgresql://user:password@127.0.0.1:port/database, through the pool."""
        pg = self._postgres
        return _database_url(pg.user, pg.password, self._port, pg.database)

    def url_for(self, database: str) -> str:
        """The URL of another database of the server, through the pool."""
        pg = self._postgres
        return _database_url(pg.user, pg.password, self._port, database)

    @property
    def config_path(self) -> Path:
        """The generated pgbouncer.ini."""
        return self._temp_dir / "pgbouncer.ini"

    def _prepare(self) -> None:
        pg = self._postgres
        auth_file = self._temp_dir / "userlist.txt"

        def quoted(text: str) -> str:
            return '"' + text.replace('"', '""') + '"'

        _write_file(auth_file, f"{quoted(pg.user)} {quoted(pg.password)}\n", self._account)
        server = f"host={HOST} port={pg.port}"
        settings: dict[str, str | int] = {
            "listen_addr": HOST,
            "listen_port": self._port,
            "unix_socket_dir": "",
            "auth_type": "scram-sha-256",
            "auth_file": str(auth_file),
            "admin_users": pg.user,
            "stats_users": pg.user,
            # Logged to stderr, which goes to log_path.
            "logfile": "",
            **self._settings,
        }
        lines = [
            "[databases]",
            f"{_ini_name(pg.database)} = {server} dbname={_ini_name(pg.database)}",
            f"* = {server}",
            "",
            "[pgbouncer]",
            *(f"{key} = {value}" for key, value in settings.items()),
        ]
        _write_file(self.config_path, "\n".join(lines) + "\n", self._account)

    def _command(self) -> list[str]:
        return [self._binary, str(self.config_path)]

    def _is_ready(self) -> bool:
        # An SSLRequest is answered with one byte ("N": no TLS) by a PostgreSQL-protocol
        # server, so this is PgBouncer speaking, not merely something holding the port.
        ssl_request = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")
        return _exchange(self._port, ssl_request, b"N") in (b"N", b"S")


# --------------------------------------------------------------------------- Redis


class RedisServer(_Server):
    """Redis without persistence (no RDB snapshots, no AOF) in its own folder."""

    _kind = "redis"

    def __init__(
        self,
        base_dir: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        settings: Mapping[str, str | int] | None = None,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ) -> None:
        self._binary = find_binary("redis-server", "redis-server")
        super().__init__(base_dir, port=port, start_timeout=start_timeout)
        self._settings = dict(settings or {})

    @property
    def url(self) -> str:
        """redis://127.0.0.1:port/0"""
        return self.url_for(0)

    def url_for(self, db: int) -> str:
        """The URL of logical database `db` (for example a separate one for Celery)."""
        return f"redis://{HOST}:{self._port}/{db}"

    def _command(self) -> list[str]:
        settings: dict[str, str | int] = {
            "bind": HOST,
            "port": self._port,
            "save": "",
            "appendonly": "no",
            "dir": str(self._temp_dir),
            "daemonize": "no",
            "logfile": "",
            **self._settings,
        }
        command = [self._binary]
        for key, value in settings.items():
            command += [f"--{key}", str(value)]
        return command

    def _is_ready(self) -> bool:
        return _exchange(self._port, b"PING\r\n", b"\r\n").startswith(b"+PONG")


# --------------------------------------------------------------------------- nginx

_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_HTTP_BLOCK = re.compile(r"^\s*http\s*\{", re.M)
_USER_DIRECTIVE = re.compile(r"^\s*user\s", re.M)


class NginxServer(_Server):
    """nginx running a configuration rendered from a template.

    Placeholders in `config_template` (plain `{name}`; nginx's own braces and $variables are
    left alone): {listen_port} {host} {temp_dir} {access_log} plus the keys of `values`. Any
    other `{name}` is an error, to catch typos. The template is a complete nginx.conf with an
    `events {}` block; it must not set `daemon` or `pid`, which are given on the command line.

    The http block gets an access_log and the *_temp_path directives it does not set itself,
    all inside the temp folder, so nginx never needs /var/lib/nginx or /var/log/nginx.
    Relative paths resolve against temp_dir (the prefix). When the tests run as root, workers
    run as root too (unless the template has a `user` line) so they can read files under
    pytest's private tmp_path.
    """

    _kind = "nginx"

    def __init__(
        self,
        config_template: str,
        base_dir: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        values: Mapping[str, object] | None = None,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ) -> None:
        self._binary = find_binary("nginx", "nginx-light")
        super().__init__(base_dir, port=port, start_timeout=start_timeout)
        self._template = config_template
        self._values = dict(values or {})

    @property
    def url(self) -> str:
        """http://127.0.0.1:port"""
        return f"http://{HOST}:{self._port}"

    @property
    def config_path(self) -> Path:
        """The rendered nginx.conf."""
        return self._temp_dir / "nginx.conf"

    @property
    def access_log_path(self) -> Path:
        """Where requests are logged unless the template logs elsewhere."""
        return self._temp_dir / "access.log"

    def render_config(self) -> str:
        """Return the configuration nginx will run, for the current port."""
        replacements: dict[str, object] = {
            "listen_port": self._port,
            "host": HOST,
            "temp_dir": self._temp_dir,
            "access_log": self.access_log_path,
            **self._values,
        }
        text = self._template
        for key, value in replacements.items():
            text = text.replace("{" + key + "}", str(value))
        unknown = _PLACEHOLDER.search(text)
        if unknown is not None:
            known = ", ".join("{" + key + "}" for key in replacements)
            raise ServerError(
                f"unknown placeholder {unknown.group()} in the nginx template; known: {known}"
            )
        temp = self._temp_dir
        # First in the http block, so the template's own directives add to or cancel them
        # ("access_log off;" cancels every access_log of its level).
        defaults = [f"access_log {self.access_log_path};"]
        for directive in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            if f"{directive}_temp_path" not in text:  # a second one would be "duplicate"
                defaults.append(f"{directive}_temp_path {temp}/{directive}_temp;")
        return _HTTP_BLOCK.sub(
            lambda match: match.group(0) + "\n    " + "\n    ".join(defaults), text, count=1
        )

    def _global_directives(self, pid_path: Path) -> str:
        directives = f"daemon off; pid {pid_path};"
        if os.geteuid() == 0 and not _USER_DIRECTIVE.search(self._template):
            directives += " user root;"
        return directives

    def _prepare(self) -> None:
        self._pid_path.unlink(missing_ok=True)  # left behind if nginx was killed
        _write_file(self.config_path, self.render_config(), None, mode=0o644)
        # `nginx -t` first: its message is clearer than a process that exits at once.
        check_log = self._temp_dir / "nginx-check.log"
        check_log.unlink(missing_ok=True)
        result = subprocess.run(  # noqa: S603 - absolute path and arguments built here
            self._arguments(check_log, self._temp_dir / "nginx-check.pid") + ["-t", "-q"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            cwd=self._temp_dir,
            check=False,
            timeout=self._start_timeout,
        )
        if result.returncode != 0:
            logged = check_log.read_text(encoding="utf-8") if check_log.exists() else ""
            raise ServerStartError(
                f"nginx rejected {self.config_path}:\n{logged}{result.stderr}{result.stdout}"
            )

    def _arguments(self, error_log: Path, pid_path: Path) -> list[str]:
        return [
            self._binary,
            "-p",
            f"{self._temp_dir}/",
            "-c",
            str(self.config_path),
            "-e",
            str(error_log),
            "-g",
            self._global_directives(pid_path),
        ]

    @property
    def _pid_path(self) -> Path:
        return self._temp_dir / "nginx.pid"

    def _command(self) -> list[str]:
        return self._arguments(self._output_path, self._pid_path)

    def _is_ready(self) -> bool:
        # nginx writes its pid file only after it has bound every listening socket.
        return self._pid_path.exists() and _accepts_connections(self._port)


# --------------------------------------------------------------------------- clamd


class ClamdServer(_Server):
    """clamd loading only the given signature files (by default the shipped EICAR one).

    freshclam cannot reach the network in tests, and the official databases take a minute and
    a gigabyte to load; one body signature loads in a fraction of a second. Files over
    `stream_max_length` are refused by INSTREAM ("size limit exceeded"), and AlertExceedsMax
    makes files over the scan limits a detection rather than "OK".

    clamd runs as the invoking account: with no `User` line it never switches to the clamav
    account, which could not read the temp folder.
    """

    _kind = "clamd"

    def __init__(
        self,
        base_dir: str | os.PathLike[str] | None = None,
        *,
        port: int | None = None,
        stream_max_length: str = "25M",
        signature_files: Sequence[str | os.PathLike[str]] | None = None,
        settings: Mapping[str, str | int] | None = None,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ) -> None:
        self._binary = find_binary("clamd", "clamav-daemon")
        signatures = [Path(p) for p in (signature_files or [EICAR_SIGNATURES])]
        for path in signatures:
            if not path.is_file():
                raise ServerError(f"ClamAV signature file {path} does not exist")
        super().__init__(base_dir, port=port, start_timeout=start_timeout)
        self._signatures = signatures
        self._stream_max_length = stream_max_length
        self._settings = dict(settings or {})
        if len(str(self._temp_dir)) <= _MAX_SOCKET_DIR_LENGTH:
            self._socket_dir = self._temp_dir
        else:
            self._socket_dir = self._make_folder(base_dir, short=True)

    @property
    def address(self) -> str:
        """127.0.0.1:port, clamd's TCP address."""
        return f"{HOST}:{self._port}"

    @property
    def socket_path(self) -> Path:
        """clamd's unix socket (LocalSocket)."""
        return self._socket_dir / "clamd.sock"

    @property
    def log_path(self) -> Path:
        """clamd's LogFile: start-up, detections, errors."""
        return self._temp_dir / "clamd.log"

    @property
    def database_dir(self) -> Path:
        """The DatabaseDirectory holding the signature files."""
        return self._temp_dir / "db"

    @property
    def config_path(self) -> Path:
        """The generated clamd.conf."""
        return self._temp_dir / "clamd.conf"

    @property
    def _output_path(self) -> Path:
        return self._temp_dir / "clamd.stdout.log"

    def _log_files(self) -> list[Path]:
        return [self._output_path, self.log_path]

    def _prepare(self) -> None:
        self.database_dir.mkdir(exist_ok=True)
        for path in self._signatures:
            shutil.copyfile(path, self.database_dir / path.name)
        scan_temp = self._temp_dir / "tmp"
        scan_temp.mkdir(exist_ok=True)
        settings: dict[str, str | int] = {
            "Foreground": "yes",
            "TCPSocket": self._port,
            "TCPAddr": HOST,
            "LocalSocket": str(self.socket_path),
            "FixStaleSocket": "yes",
            "DatabaseDirectory": str(self.database_dir),
            "TemporaryDirectory": str(scan_temp),
            "LogFile": str(self.log_path),
            "LogTime": "yes",
            "StreamMaxLength": self._stream_max_length,
            "AlertExceedsMax": "yes",
            **self._settings,
        }
        text = "\n".join(f"{key} {value}" for key, value in settings.items()) + "\n"
        _write_file(self.config_path, text, None, mode=0o644)

    def _command(self) -> list[str]:
        return [self._binary, "--config-file", str(self.config_path)]

    def _is_ready(self) -> bool:
        return _exchange(self._port, b"zPING\0", b"\0").startswith(b"PONG")
