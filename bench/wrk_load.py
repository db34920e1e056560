"""Drive an HTTP endpoint with wrk (Debian's wrk 4) and read its figures as a dict.

Each run writes a small Lua script: GET requests with fixed headers, or POST requests whose
JSON body gets a unique title per request (thread number and counter); its done() hook prints
the summary as one JSON line, which is parsed here, so no text report is scraped. Latencies
come from wrk's own histogram, in milliseconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

#: Replaced by a unique title in each POST body.
TITLE = "\x00TITLE\x00"

_LUA = r"""
local method = [==[%(method)s]==]
local path = [==[%(path)s]==]
local body_prefix = [==[%(prefix)s]==]
local body_suffix = [==[%(suffix)s]==]
local with_body = %(with_body)s
local tag = [==[%(tag)s]==]
%(headers)s
local started = 0

-- Runs in the main state once per thread: each thread's state gets its global thread_id.
function setup(thread)
    started = started + 1
    thread:set("thread_id", started)
end

local sent = 0

function request()
    if with_body then
        sent = sent + 1
        local title = "Bench " .. tag .. " " .. tostring(thread_id) .. "-" .. tostring(sent)
        return wrk.format(method, path, headers, body_prefix .. title .. body_suffix)
    end
    return wrk.format(method, path, headers)
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        '\nWRK_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, ' ..
        '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, ' ..
        '"latency_us": {"mean": %%f, "max": %%d, "p50": %%d, "p90": %%d, "p99": %%d, ' ..
        '"p999": %%d}}\n',
        summary.requests, summary.duration, summary.bytes,
        e.connect, e.read, e.write, e.status, e.timeout,
        latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
        latency:percentile(99), latency:percentile(99.9)))
end
"""


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed: run scripts/ensure-test-deps.sh")
    return found


def _lua_headers(headers: dict[str, str]) -> str:
    lines = ["local headers = {}"]
    for name, value in headers.items():
        lines.append(f"headers[ [==[{name}]==] ] = [==[{value}]==]")
    return "\n".join(lines)


def run(
    base_url: str,
    path: str,
    *,
    script_dir: Path,
    name: str,
    headers: dict[str, str],
    body: dict[str, Any] | None = None,
    connections: int = 16,
    duration: float = 20,
    threads: int = 2,
    timeout: float = 60,
) -> dict[str, Any]:
    """Run wrk against base_url + path; POST `body` (its "title" made unique) when given.

    Returns wrk's summary: requests, seconds, req_per_s, p50/p90/p99/p999/max/mean in ms, and
    errors (connect, read, write, timeout, and status: responses other than 2xx/3xx).
    """
    prefix = suffix = ""
    if body is not None:
        encoded = json.dumps({**body, "title": TITLE})
        prefix, suffix = encoded.split(json.dumps(TITLE)[1:-1], 1)
        headers = {**headers, "Content-Type": "application/json"}
    script = _LUA % {
        "method": "POST" if body is not None else "GET",
        "path": path,
        "prefix": prefix,
        "suffix": suffix,
        "with_body": "true" if body is not None else "false",
        "tag": name,
        "headers": _lua_headers(headers),
    }
    script_dir.mkdir(parents=True, exist_ok=True)
    script_path = script_dir / f"{name}.lua"
    script_path.write_text(script)
    command = [
        wrk_binary(),
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        f"--timeout={max(1, round(timeout))}s",
        f"--script={script_path}",
        base_url + path,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    line = next((line for line in result.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    seconds = raw["duration_us"] / 1e6
    latency = {key: value / 1000 for key, value in raw["latency_us"].items()}
    return {
        "requests": raw["requests"],
        "seconds": seconds,
        "req_per_s": raw["requests"] / seconds if seconds else 0.0,
        **{f"{key}_ms": value for key, value in latency.items()},
        "errors": raw["errors"],
        "error_count": sum(raw["errors"].values()),
    }
