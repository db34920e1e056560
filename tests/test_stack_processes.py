"""How the stack's Python processes are laid out to save memory (docs/stack.md, "Processes and
memory"): gunicorn masters that import the service's modules for their workers, and the
registry's loops run by one background process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from hdms_run import services, stack
from hdms_run.servers import free_port


def _rollup(pid: int) -> dict[str, int]:
    """smaps_rollup in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        values[name] = int(value.split()[0])
    return values


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _serve(command: list[str], tmp_path: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "HDMS_VAR_DIR": str(tmp_path / "var"),
        "HOME": str(home),
        "WEB_CONCURRENCY": str(workers),
    }
    process = subprocess.Popen(
        [*command, "-c", "python:hdms_common.gunicorn_conf", "-b", f"127.0.0.1:{port}"]
        + ["auth_service:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/healthz"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"gunicorn did not serve: {process.communicate()[1][-3000:]}")
        time.sleep(0.2)
    # Every worker up and past create_app.
    deadline = time.monotonic() + 30
    while len(_children(process.pid)) < workers and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    return process, url


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        return process.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[1]


def test_a_patched_master_imports_the_app_once_for_its_workers(tmp_path):
    process, url = _serve([sys.executable, "-m", "hdms_common.serve"], tmp_path, workers=2)
    try:
        workers = _children(process.pid)
        assert len(workers) == 2
        for _ in range(20):
            assert requests.get(url, timeout=5).status_code == 200
        master = _rollup(process.pid)
        for worker in workers:
            shared = _rollup(worker)
            # The modules the master imported are mapped by the worker, not copied into it.
            assert shared["Shared_Clean"] + shared["Shared_Dirty"] > 20 * 1024, shared
        assert master["Rss"] > 40 * 1024, master
    finally:
        errors = _stop(process)
    assert "MonkeyPatchWarning" not in errors
    assert "Traceback" not in errors, errors[-3000:]


def test_a_plain_gunicorn_master_imports_nothing_of_the_service(tmp_path):
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process, url = _serve([gunicorn], tmp_path, workers=2)
    try:
        assert requests.get(url, timeout=5).status_code == 200
        # gunicorn, gevent's absence and the settings: no Flask, no SQLAlchemy, no service.
        assert _rollup(process.pid)["Rss"] < 35 * 1024
    finally:
        _stop(process)


def test_one_background_process_runs_every_loop_of_the_registry_but_those_left_out():
    loops = [loop for service in services.SERVICES for loop in service.loops]
    assert stack.background_loops() == [loop.spec for loop in loops]
    left = stack.background_loops({"file-sweep"})
    assert left == [loop.spec for loop in loops if loop.name != "file-sweep"]
    # Each service's consumer of the streams it follows is among them.
    targets = " ".join(loop.target for loop in loops)
    for consumer in (
        "ticket_service.background:start_background_loop",
        "ticket_service.access_events:build_access_consumer",
        "communication_service.consumers.ticket_events:build_consumer",
        "file_service.ticket_events:consumer",
    ):
        assert consumer in targets
