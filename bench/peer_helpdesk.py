"""django-helpdesk 2.6.1, the peer of the stack bench: its virtualenv, database and server.

The virtualenv (var/bench/peer-venv) is made from bench/peer/requirements.txt, every package
pinned, and kept while that file is unchanged (its hash is stored beside it). The peer gets a
database of its own on the PostgreSQL server the HDMS stack runs (connected directly, not
through PgBouncer), migrated and prepared by bench/peer/peer_setup.py, and is served by
gunicorn with 2 sync workers on a free loopback port, in a process group of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "peer"
REQUIREMENTS = PROJECT / "requirements.txt"
DATABASE = "helpdesk_peer"


def ensure_venv(venv: Path) -> Path:
    """The peer's virtualenv with its pinned packages; returns its bin folder."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    marker = venv / ".requirements-sha256"
    bin_dir = venv / "bin"
    if marker.exists() and marker.read_text().strip() == digest:
        return bin_dir
    print(f"installing django-helpdesk and its pinned dependencies into {venv}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    result = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"installing the peer failed:\n{result.stdout}\n{result.stderr}")
    marker.write_text(digest + "\n")
    return bin_dir


@dataclass
class Peer:
    """The peer's gunicorn and what it needs: started by start(), stopped by stop()."""

    bin_dir: Path
    postgres: Any  # hdms_run.servers.PostgresServer of the HDMS stack
    port: int
    log_dir: Path
    media_dir: Path
    workers: int = 2
    token: str = ""
    queue: int = 0
    tickets: int = 0
    process: subprocess.Popen[bytes] | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def prepare(self, tickets: int) -> None:
        """Create the peer's database (new each run), migrate it, load `tickets` tickets."""
        self.postgres.execute_sql(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        self.postgres.execute_sql(f'CREATE DATABASE "{DATABASE}"')
        self.media_dir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PG", "DJANGO"))},
            "DJANGO_SETTINGS_MODULE": "peer_site.settings",
            "PEER_SECRET_KEY": os.urandom(24).hex(),
            "PEER_DB_NAME": DATABASE,
            "PEER_DB_USER": self.postgres.user,
            "PEER_DB_PASSWORD": self.postgres.password,
            "PEER_DB_HOST": "127.0.0.1",
            "PEER_DB_PORT": str(self.postgres.port),
            "PEER_MEDIA_ROOT": str(self.media_dir),
        }
        python = str(self.bin_dir / "python")
        self._run([python, "manage.py", "migrate", "--verbosity", "0"], "migrate")
        output = self._run([python, "peer_setup.py", str(tickets)], "setup")
        facts = json.loads(output.strip().splitlines()[-1])
        self.token, self.queue, self.tickets = facts["token"], facts["queue"], facts["tickets"]

    def _run(self, command: list[str], what: str) -> str:
        result = subprocess.run(
            command, cwd=PROJECT, env=self.env, capture_output=True, text=True, timeout=1800
        )
        if result.returncode != 0:
            raise RuntimeError(f"peer {what} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self, timeout: float = 120) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (self.log_dir / "peer-gunicorn.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(self.bin_dir / "gunicorn"),
                    "--workers",
                    str(self.workers),
                    "--worker-class",
                    "sync",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    # Its ticket list reads every ticket: a request may take long.
                    "--timeout",
                    "600",
                    "--access-logfile",
                    "-",
                    "peer_site.wsgi:application",
                ],
                cwd=PROJECT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                process_group=0,
            )
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(f"{self.url}/api/", headers=self.headers)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"the peer's gunicorn exited; see {self.log_dir}")
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the peer did not answer in {timeout:.0f} s")
            time.sleep(0.3)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process and self.process.poll() is None else None

    def backend_pids(self) -> list[int]:
        """The PostgreSQL backends serving the peer's database now."""
        output = self.postgres.execute_sql(
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{DATABASE}'"
        )
        return [int(line) for line in output.split()]

    def stop(self) -> None:
        """Stop the peer's gunicorn and its workers (its own process group)."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass
