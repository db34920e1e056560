"""The test-server harness runs real servers real clients can use, and cleans up after them."""

from __future__ import annotations

import http.server
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
import redis

from hdms_run.servers import (
    ClamdServer,
    MissingBinaryError,
    NginxServer,
    PgBouncerServer,
    PostgresServer,
    RedisServer,
    ServerStartError,
    find_binary,
    free_port,
)

# Assembled at run time so this file itself is not flagged by virus scanners.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    # Under root, pytest's folders are private to root: the server must find another place.
    with PostgresServer(tmp_path_factory.mktemp("postgres")) as server:
        yield server


@pytest.fixture(scope="module")
def pgbouncer(postgres: PostgresServer) -> Iterator[PgBouncerServer]:
    with PgBouncerServer(postgres) as server:
        yield server


@pytest.fixture(scope="module")
def clamd() -> Iterator[ClamdServer]:
    with ClamdServer() as server:
        yield server


def instream(address: str, data: bytes, chunk_size: int = 8192) -> str:
    """Scan `data` with clamd's INSTREAM command: length-prefixed chunks, then a zero chunk."""
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"zINSTREAM\0")
        try:
            for start in range(0, len(data), chunk_size):
                chunk = data[start : start + chunk_size]
                sock.sendall(len(chunk).to_bytes(4, "big") + chunk)
            sock.sendall((0).to_bytes(4, "big"))
        except (BrokenPipeError, ConnectionResetError):
            pass  # clamd stops reading when a stream exceeds StreamMaxLength; its answer follows
        answer = b""
        while not answer.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            answer += part
    return answer.rstrip(b"\0").decode()


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is gone for every practical purpose.
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def wait_until_gone(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process_exists(pid):
            return True
        time.sleep(0.05)
    return False


def test_free_port_can_be_bound_and_differs_each_time() -> None:
    ports = {free_port() for _ in range(20)}
    assert len(ports) == 20
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", ports.pop()))


def test_missing_binary_names_the_package_and_the_script() -> None:
    with pytest.raises(MissingBinaryError) as caught:
        find_binary("hdms-no-such-server", "hdms-no-such-package")
    assert "hdms-no-such-package" in str(caught.value)
    assert "scripts/ensure-test-deps.sh" in str(caught.value)


def test_postgres_url_accepts_queries_and_transactions(postgres: PostgresServer) -> None:
    assert postgres.url == (f"postgresql://hdms:hdms@127.0.0.1:{postgres.port}/hdms_db")
    with psycopg2.connect(postgres.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database(), current_setting('fsync')")
        assert cursor.fetchone() == ("hdms", "hdms_db", "off")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = 'hdms'")
        assert cursor.fetchone() == (True,)
    connection.close()


def test_pgbouncer_runs_queries_and_transactions_in_transaction_mode(
    pgbouncer: PgBouncerServer,
) -> None:
    assert pgbouncer.port != pgbouncer.postgres.port
    # psycopg2 sends extra_float_digits and options, which PgBouncer must ignore.
    connection = psycopg2.connect(pgbouncer.url, options="-c application_name=harness")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
            cursor.execute("CREATE TABLE IF NOT EXISTS harness_items (name text PRIMARY KEY)")
        connection.commit()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO harness_items VALUES ('kept')")
        connection.commit()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO harness_items VALUES ('rolled back')")
        connection.rollback()
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM harness_items ORDER BY name")
            assert cursor.fetchall() == [("kept",)]
            cursor.execute("DROP TABLE harness_items")
        connection.commit()
    finally:
        connection.close()
    admin = psycopg2.connect(pgbouncer.url_for("pgbouncer"))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SHOW CONFIG")
            config = {row[0]: row[1] for row in cursor.fetchall()}
        assert config["pool_mode"] == "transaction"
    finally:
        admin.close()


def test_postgres_can_be_stopped_and_started_again_with_its_data(
    postgres: PostgresServer, pgbouncer: PgBouncerServer
) -> None:
    postgres.execute_sql("CREATE TABLE survivors (id int)", database="hdms_db")
    postgres.execute_sql("INSERT INTO survivors VALUES (42)", database="hdms_db")
    port = postgres.port

    postgres.stop()
    postgres.stop()  # a second stop does nothing
    assert not postgres.running
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(postgres.url, connect_timeout=2).close()

    postgres.start()
    assert postgres.port == port
    with psycopg2.connect(postgres.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id FROM survivors")
        assert cursor.fetchall() == [(42,)]
    connection.close()
    # PgBouncer reconnects to the restarted server by itself.
    deadline = time.monotonic() + 10
    while True:
        try:
            connection = psycopg2.connect(pgbouncer.url, connect_timeout=2)
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM survivors")
                assert cursor.fetchone() == (1,)
            connection.close()
            break
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    postgres.execute_sql("DROP TABLE survivors", database="hdms_db")


def test_redis_answers_ping_and_stores_values(tmp_path: Path) -> None:
    with RedisServer(tmp_path) as server:
        assert server.url == f"redis://127.0.0.1:{server.port}/0"
        client = redis.Redis.from_url(server.url)
        assert client.ping() is True
        client.set("greeting", "hello")
        assert client.get("greeting") == b"hello"
        assert client.config_get("save") == {"save": ""}
        client.close()
        folder = server.temp_dir
        assert folder.parent == tmp_path
    assert not folder.exists()


def test_clamd_finds_eicar_alone_and_inside_a_larger_file(clamd: ClamdServer) -> None:
    assert clamd.address == f"127.0.0.1:{clamd.port}"
    assert instream(clamd.address, EICAR).endswith("FOUND")
    embedded = b"%PDF-1.4 harmless prefix\n" * 1000 + EICAR + b"\nharmless suffix" * 1000
    assert instream(clamd.address, embedded).endswith("FOUND")


def test_clamd_reports_a_clean_file_as_ok(clamd: ClamdServer) -> None:
    assert instream(clamd.address, b"just a clean attachment\n" * 500) == "stream: OK"


def test_clamd_refuses_streams_over_the_configured_limit(tmp_path: Path) -> None:
    with ClamdServer(tmp_path, stream_max_length="1K") as server:
        answer = instream(server.address, b"a" * 64 * 1024)
    assert "size limit exceeded" in answer


def test_a_server_moves_to_another_port_when_its_port_was_taken() -> None:
    server = RedisServer()
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", server.port))
        squatter.listen()
        taken = server.port
        try:
            server.start()
            assert server.port != taken
            with redis.Redis.from_url(server.url) as client:
                assert client.ping() is True
        finally:
            server.close()


def test_a_server_given_a_taken_port_says_so() -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        server = RedisServer(port=squatter.getsockname()[1])
        try:
            with pytest.raises(ServerStartError, match="already in use"):
                server.start()
        finally:
            server.close()


def test_nginx_serves_static_files_and_proxies_to_an_http_server(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "hello.txt").write_text("hello from nginx\n")

    class Backend(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            body = f"backend saw {self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    thread = threading.Thread(
        target=backend.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    template = textwrap.dedent(
        """
        worker_processes 1;
        events { worker_connections 64; }
        http {
            server {
                listen {host}:{listen_port};
                location /static/ { alias {site}/; }
                location /api/ { proxy_pass http://127.0.0.1:{backend_port}; }
            }
        }
        """
    )
    try:
        with NginxServer(
            template, values={"site": site, "backend_port": backend.server_address[1]}
        ) as nginx:
            with urllib.request.urlopen(f"{nginx.url}/static/hello.txt", timeout=5) as response:
                assert response.read() == b"hello from nginx\n"
            with urllib.request.urlopen(f"{nginx.url}/api/tickets", timeout=5) as response:
                assert response.read() == b"backend saw /api/tickets"
            # nginx writes a request's log line after its answer has left: wait for it.
            deadline = time.monotonic() + 5
            while nginx.access_log_path.read_text().count("GET") < 2:
                assert time.monotonic() < deadline, nginx.access_log_path.read_text()
                time.sleep(0.02)
            assert nginx.access_log_path.read_text().count("GET") == 2
            assert "client_body_temp_path" in nginx.config_path.read_text()
    finally:
        backend.shutdown()
        backend.server_close()


def test_nginx_rejects_a_broken_config_with_its_error() -> None:
    server = NginxServer("events {}\nhttp { server { listen {listen_port}; bogus_directive; } }")
    try:
        with pytest.raises(ServerStartError, match="bogus_directive"):
            server.start()
    finally:
        server.close()


def test_a_failed_start_reports_the_end_of_the_log() -> None:
    server = RedisServer(settings={"no-such-option": "1"})
    try:
        with pytest.raises(ServerStartError, match="no-such-option"):
            server.start()
        assert not server.running
    finally:
        server.close()


def test_servers_die_and_folders_vanish_when_the_test_process_is_killed() -> None:
    script = textwrap.dedent(
        """
        from hdms_run.servers import PostgresServer, RedisServer
        pg = PostgresServer().start()
        redis_server = RedisServer().start()
        print(pg.pid, redis_server.pid, pg.temp_dir, redis_server.temp_dir, flush=True)
        import time
        time.sleep(60)
        """
    )
    with subprocess.Popen(  # noqa: S603 - our own interpreter running a fixed script
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            assert child.stdout is not None
            pg_pid, redis_pid, pg_dir, redis_dir = child.stdout.readline().split()
        finally:
            child.send_signal(signal.SIGKILL)
    assert wait_until_gone(int(pg_pid))
    assert wait_until_gone(int(redis_pid))
    deadline = time.monotonic() + 10
    while (Path(pg_dir).exists() or Path(redis_dir).exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(pg_dir).exists()
    assert not Path(redis_dir).exists()
