"""auth-service under gunicorn with gevent workers, as the stack runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from hdms_run.servers import free_port


def test_gunicorn_gevent_workers_serve_login_and_readiness(
    base_environ, auth_app, create_user, department, tmp_path
):
    user = create_user(roles={"requestor": [department]}, department_id=department)
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, **base_environ, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    env["HOME"] = str(home)
    env.pop("XDG_RUNTIME_DIR", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "python:hdms_common.gunicorn_conf", "auth_service:create_app()"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not become ready")
        response = requests.post(
            f"{base}/api/auth/login-hdms",
            json={"employee_code": user.employee_code, "password": user.password},
            timeout=10,
        )
        assert response.status_code == 200
        me = requests.get(
            f"{base}/api/auth/me",
            headers={"Authorization": f"Bearer {response.json()['access']}"},
            timeout=10,
        )
        assert me.json()["id"] == str(user.id)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert "MonkeyPatchWarning" not in stderr
    # One gunicorn per service runs on a host: none of them claims the per-user control socket.
    assert "Control socket" not in stderr
    assert not (home / ".gunicorn").exists()
