"""Start the embedded mode (`make run`'s server) as a child process on a free port.

Shared by `make fuzz` and the embedded smoke tests, which both need the real server, started
the way `make run` starts it, with a throwaway ./var.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from hdms_run.servers import free_port

READY_LINE = "Press Ctrl-C to stop."


@dataclass
class EmbeddedServer:
    """A running embedded server: its process, base URL, and what it printed up to the ready
    line (the demo logins among it)."""

    process: subprocess.Popen[str]
    url: str
    banner: str
    copier: threading.Thread

    def stop(self) -> None:
        """Ctrl-C, as a user stops `make run`, then wait for the output to be copied."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=15)
        self.copier.join(timeout=5)


def start_embedded(
    var_dir: Path, log_path: Path, *, timeout: float = 120.0, web: bool = True
) -> EmbeddedServer:
    """The server with its data in ``var_dir`` and its output copied to ``log_path`` (read
    continuously, so a full pipe never blocks it); ``web=False`` serves the API alone, without
    building the web application first."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "PGBOUNCER_URL", "REDIS_URL")
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hdms_run.embedded",
            "--port",
            str(port),
            "--var-dir",
            str(var_dir),
            *([] if web else ["--no-web"]),
        ],
        cwd=var_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    banner: list[str] = []
    ready = threading.Event()

    def copy() -> None:
        assert process.stdout is not None
        with process.stdout, log_path.open("w") as log:
            for line in process.stdout:
                log.write(line)
                log.flush()
                if not ready.is_set():
                    banner.append(line)
                    if READY_LINE in line:
                        ready.set()

    copier = threading.Thread(target=copy, daemon=True)
    copier.start()
    if not ready.wait(timeout):
        process.kill()
        process.wait(timeout=10)
        copier.join(timeout=5)
        raise RuntimeError(f"the embedded server did not start:\n{''.join(banner)[-3000:]}")
    return EmbeddedServer(process, f"http://127.0.0.1:{port}", "".join(banner), copier)
