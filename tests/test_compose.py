"""docker-compose.yml and the Dockerfiles describe the topology of docs/architecture.md.

No Docker engine runs here: `docker-compose config` validates the file, and the parsed file is
checked against the documented services, ports and dependencies.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from hdms_run import services as registry
from hdms_run.services import Service

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]

#: service -> the ports docs/architecture.md gives it
DOCUMENTED_PORTS = {
    "auth-service": {"8000"},
    "ticket-service": {"8002"},
    "communication-service": {"8003", "8004"},
    "file-service": {"8005"},
    "postgres": {"5432"},
    "pgbouncer": {"6432"},
    "redis": {"6379"},
}


def test_compose_config_validates(tmp_path):
    if shutil.which("docker-compose") is None:
        pytest.fail("docker-compose is missing: run scripts/ensure-test-deps.sh")
    env_file = tmp_path / ".env"
    env_file.write_text((ROOT / ".env.example").read_text())
    result = subprocess.run(
        [
            "docker-compose",
            "--env-file",
            str(env_file),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
            "-q",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_the_secrets(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("HDMS_ENV=production\n")
    result = subprocess.run(
        [
            "docker-compose",
            "--env-file",
            str(env_file),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
            "-q",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr or "JWT_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(("service", "ports"), sorted(DOCUMENTED_PORTS.items()))
def test_each_service_exposes_its_documented_ports(service, ports):
    assert set(SERVICES[service]["expose"]) == ports


def test_only_the_gateway_is_published():
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"nginx"}
    assert SERVICES["nginx"]["ports"] == ["${GATEWAY_PORT:-80}:80"]


def test_pgbouncer_fronts_ticket_and_communication_service_only():
    environment = SERVICES["ticket-service"]["environment"]
    assert "@pgbouncer:6432/" in environment["PGBOUNCER_URL"]
    assert "pgbouncer" in SERVICES["ticket-service"]["depends_on"]
    assert "pgbouncer" in SERVICES["communication-service"]["depends_on"]
    assert "pgbouncer" not in SERVICES["auth-service"]["depends_on"]
    assert "postgres" in SERVICES["file-service"]["depends_on"]


def test_workers_and_consumers_run_beside_the_web_processes():
    commands = {name: " ".join(service.get("command", [])) for name, service in SERVICES.items()}
    background = "python -m hdms_common.background"
    assert commands["ticket-background"].startswith(background)
    assert "ticket_service.background:start_background_loop" in commands["ticket-background"]
    assert "access_events" in commands["ticket-background"]
    assert "ticket_events:build_consumer" in commands["communication-background"]
    assert "file_service.ticket_events:consumer" in commands["file-background"]
    assert "sweep_stale_files@" in commands["file-background"]
    assert "file_service.tasks worker" in commands["file-worker"]
    assert "clamd" in SERVICES["file-worker"]["depends_on"]


def test_the_gateway_waits_for_every_service_and_shares_the_file_volume():
    assert set(SERVICES["nginx"]["depends_on"]) == {
        "auth-service",
        "ticket-service",
        "communication-service",
        "file-service",
    }
    assert set(SERVICES["nginx"]["depends_on"]) == {s.directory for s in registry.SERVICES}
    assert "files:/var/lib/hdms/files:ro" in SERVICES["nginx"]["volumes"]
    assert "files:/var/lib/hdms/files" in SERVICES["file-worker"]["volumes"]


SERVICE_DOCKERFILE = "docker/service.Dockerfile"


def test_service_images_are_slim_non_root_and_health_checked():
    text = (ROOT / SERVICE_DOCKERFILE).read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert "HEALTHCHECK" in text
    assert "requirements/base.txt" in text  # pinned dependencies
    for argument in ("SERVICE", "PACKAGE", "PORTS"):
        assert re.search(rf"^ARG {argument}$", text, re.M)


def _built_from(service: Service) -> set[str]:
    """The compose services built as ``service``'s image."""
    return {
        name
        for name, entry in SERVICES.items()
        if entry.get("build", {}).get("args", {}).get("SERVICE") == service.directory
    }


@pytest.mark.parametrize("service", registry.SERVICES, ids=lambda s: s.directory)
def test_compose_builds_and_runs_each_service_of_the_registry(service):
    entry = SERVICES[service.directory]
    assert entry["build"] == {
        "context": ".",
        "dockerfile": SERVICE_DOCKERFILE,
        "args": {
            "SERVICE": service.directory,
            "PACKAGE": service.package,
            "PORTS": " ".join(str(port) for _, port in service.ports),
        },
    }
    assert entry["expose"] == [str(port) for _, port in service.ports]
    assert "command" not in entry  # the image's gunicorn on its ports
    assert entry["environment"]["WEB_CONCURRENCY"] == str(service.web_workers)
    assert ("pgbouncer" in entry["depends_on"]) == service.uses_pgbouncer


@pytest.mark.parametrize("service", registry.SERVICES, ids=lambda s: s.directory)
def test_compose_runs_each_background_process_of_the_registry(service):
    expected = {service.directory}
    for process in service.background:
        entry = SERVICES[process.compose_name]
        expected.add(process.compose_name)
        assert entry["build"] == SERVICES[service.directory]["build"]
        command = entry["command"]
        assert command == process.argv(service, Path())[:-2]  # without the stack's node name
        assert command[0] == "celery"
    if service.loops:
        entry = SERVICES[service.background_compose_name]
        expected.add(service.background_compose_name)
        assert entry["build"] == SERVICES[service.directory]["build"]
        assert entry["command"] == [
            *registry.BACKGROUND_COMMAND,
            *(loop.spec for loop in service.loops),
        ]
    # Nothing in the file runs a service's image that the registry does not know of.
    assert _built_from(service) == expected


def test_the_gateway_image_renders_the_same_template():
    text = (ROOT / "nginx" / "Dockerfile").read_text()
    assert "hdms_run.gateway --compose" in text and "hdms.conf.template" in text


def _stages(dockerfile: str) -> dict[str, str]:
    """Each build stage's text by its name (or base image when unnamed)."""
    stages: dict[str, str] = {}
    for chunk in re.split(r"^(?=FROM )", dockerfile, flags=re.M)[1:]:
        header = chunk.splitlines()[0].split()
        stages[header[3] if len(header) > 3 and header[2].upper() == "AS" else header[1]] = chunk
    return stages


def test_the_gateway_image_builds_the_web_application_and_serves_its_export():
    stages = _stages((ROOT / "nginx" / "Dockerfile").read_text())
    web = stages["web"]
    assert re.match(r"FROM node:20[\w.-]* AS web", web)
    assert "COPY frontend-service/package.json frontend-service/package-lock.json" in web
    assert re.search(r"^RUN npm ci\b", web, re.M)
    assert re.search(r"^RUN npx --no-install next build\b", web, re.M)
    assert "NEXT_TELEMETRY_DISABLED=1" in web
    # The rendered config points nginx at the folder the export is copied to.
    web_root = re.search(r"GATEWAY_WEB_ROOT=(\S+)", stages["render"]).group(1)
    final = stages["nginx:1.27-alpine"]
    assert f"COPY --from=web /app/out {web_root}" in final
    assert "COPY --from=render /src/nginx.conf /etc/nginx/nginx.conf" in final
    # The host's packages and builds never enter the image's context.
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (
        "frontend-service/node_modules",
        "frontend-service/.next*",
        "frontend-service/out",
    ):
        assert entry in ignored
    assert SERVICES["nginx"]["build"] == {
        "context": ".",
        "dockerfile": "nginx/Dockerfile",
        "args": SERVICES["nginx"]["build"]["args"],
    }
