"""Upload throughput of file-service against `dd` to the same disk, and the server's peak RSS.

Starts file-service under gunicorn (one gevent worker, the stack's configuration) in the
embedded mode (SQLite, no Redis or clamd needed: uploads are only received, not processed),
uploads SIZE bytes as a chunked multipart stream, and compares with
``dd if=/dev/zero bs=1M conv=fdatasync`` into the same folder (the upload is fsynced too).
Temporary files live under --dir (default: the system temp folder), never in the repository.

The disk's own speed varies from one minute to the next (dd alone gave 32 to 117 MiB/s here),
so one upload against one dd says little: each of --runs rounds runs dd right before the
upload, the ratio is taken within each round, and the verdict is on the median round.

Targets (docs/file-service.md): at least 0.6 of dd's throughput, and the worker's peak RSS
grows by less than 10 MB over an upload of 1 GiB.

    .venv/bin/python bench/upload_bench.py            # 1 GiB, 3 rounds
    .venv/bin/python bench/upload_bench.py --mib 256 --runs 5
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import gunicorn_service
import proc_stats
import requests

from hdms_common.auth import build_claims, encode_token
from hdms_run.servers import free_port

MIB = 1024 * 1024
#: The upload's throughput at least this fraction of dd's, in the median round.
RATIO_TARGET = 0.6
#: The worker's peak RSS grows by less than this over the uploads.
GROWTH_TARGET_MIB = 10_000_000 / MIB
REPO = Path(__file__).resolve().parents[1]
SECRET = "bench-secret-" + uuid.uuid4().hex


def dd_throughput(folder: Path, mib: int) -> float:
    """MiB/s of dd writing ``mib`` MiB and syncing them, in ``folder``."""
    target = folder / "dd.bin"
    started = time.perf_counter()
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={target}", "bs=1M", f"count={mib}", "conv=fdatasync"],
        check=True,
        capture_output=True,
    )
    elapsed = time.perf_counter() - started
    target.unlink()
    return mib / elapsed


def peak_rss_mib(pid: int) -> float:
    return proc_stats.peak_rss_kib(pid) / 1024


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads) so far, in seconds."""
    return proc_stats.cpu_seconds([pid], reaped=False)


def body(size_mib: int, digest: object) -> Iterator[bytes]:
    yield (
        b'--bench\r\nContent-Disposition: form-data; name="file"; filename="bench.log"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )
    line = b"2026-11-25 12:00:00 INFO bench line for the upload throughput measurement\n"
    block = (line * (MIB // len(line) + 1))[:MIB]
    for _ in range(size_mib):
        digest.update(block)  # type: ignore[attr-defined]
        yield block
    yield b"\r\n--bench--\r\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="upload size in MiB (1024)")
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="where files are written")
    parser.add_argument("--runs", type=int, default=3, help="rounds of dd then upload (3)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hdms-upload-bench-", dir=args.dir))
    port = free_port()
    env = {
        **os.environ,
        "HDMS_ENV": "embedded",
        "DATABASE_URL": f"sqlite:///{work / 'file.db'}",
        "FILE_STORAGE_DIR": str(work / "files"),
        "FILE_MAX_BYTES": str((args.mib + 16) * MIB),
        "JWT_SECRET_KEY": SECRET,
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "1",
        "FLASK_APP": "file_service:create_app",
    }
    python = sys.executable
    subprocess.run(
        [python, "-m", "flask", "db", "upgrade"],
        env=env,
        cwd=REPO / "file-service",
        check=True,
        capture_output=True,
    )
    server = gunicorn_service.start("file_service:create_app()", env, port=port)
    try:
        url = f"http://127.0.0.1:{port}"
        gunicorn_service.wait_ready(server, f"{url}/healthz", what="file-service", timeout=30)
        worker = proc_stats.children(server.pid)[0]
        user = uuid.uuid4()
        claims = build_claims(
            user_id=user,
            employee_code="BENCH",
            name="Bench",
            department_id=None,
            grants=[("requestor", uuid.uuid4())],
        )
        headers = {
            "Authorization": f"Bearer {encode_token(subject=user, claims=claims, secret=SECRET)}",
            "Content-Type": "multipart/form-data; boundary=bench",
        }
        warm = requests.post(
            f"{url}/api/files/upload/", data=body(1, hashlib.sha256()), headers=headers, timeout=60
        )
        warm.raise_for_status()
        rss_before = peak_rss_mib(worker)

        rounds = []
        for number in range(1, max(1, args.runs) + 1):
            dd_rate = dd_throughput(work, args.mib)
            digest = hashlib.sha256()
            cpu_before = cpu_seconds(worker)
            started = time.perf_counter()
            response = requests.post(
                f"{url}/api/files/upload/",
                data=body(args.mib, digest),
                headers=headers,
                timeout=3600,
            )
            elapsed = time.perf_counter() - started
            worker_cpu = cpu_seconds(worker) - cpu_before
            response.raise_for_status()
            assert response.json()["sha256"] == digest.hexdigest()
            upload_rate = args.mib / elapsed
            rounds.append((upload_rate / dd_rate, upload_rate, dd_rate, worker_cpu))
            print(
                f"round {number}: dd {dd_rate:7.1f} MiB/s, upload {upload_rate:7.1f} MiB/s"
                f" ({elapsed:.1f} s, sha256 + fsync), ratio {upload_rate / dd_rate:.2f},"
                f" worker CPU {worker_cpu / args.mib * 1024:.2f} s per GiB",
                flush=True,
            )
        rss_after = peak_rss_mib(worker)
        growth = rss_after - rss_before
        ratio, upload_rate, dd_rate, worker_cpu = sorted(rounds)[len(rounds) // 2]
        print(
            f"upload size          {args.mib} MiB (chunked multipart, one gunicorn gevent worker)"
        )
        print(f"median round         upload {upload_rate:.1f} MiB/s, dd {dd_rate:.1f} MiB/s")
        print(
            f"ratio upload / dd    {ratio:8.2f}  (rounds: "
            + ", ".join(f"{r[0]:.2f}" for r in rounds)
            + ")"
        )
        per_gib = worker_cpu / args.mib * 1024
        print(f"worker CPU           {per_gib:8.2f} s per GiB (user + system, all threads)")
        print(
            f"worker peak RSS      {rss_after:8.1f} MiB  (before the uploads {rss_before:.1f} MiB,"
            f" growth {growth:.1f} MiB)"
        )
        print("targets:")
        print(
            f"  upload >= {RATIO_TARGET} x dd (median round): "
            + ("met" if ratio >= RATIO_TARGET else "NOT MET")
        )
        print(
            "  worker memory growth < 10 MB: "
            + ("met" if growth < GROWTH_TARGET_MIB else "NOT MET")
        )
    finally:
        gunicorn_service.stop(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
