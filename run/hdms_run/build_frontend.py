"""Build the web application (frontend-service/) into its static export, when it changed.

`ensure_web_build()` hashes the application's sources (src/, public/, package.json,
package-lock.json and the Next, TypeScript and PostCSS configs) and compares the hash with the
stamp the last build left in the export folder: when they match nothing runs, so `make run`
and the stack pay well under a second for an up-to-date build. Otherwise it runs `npm ci` when
node_modules is missing or older than package-lock.json, then `next build`, which writes the
export to a staging folder that replaces the export folder only once the build succeeded.
Builds never overlap: each takes an exclusive lock first (var/web-build.lock).

Without Node.js 20+ and npm, or when the build fails, it says why in one line and returns None,
and the caller serves the API alone. The build's output goes to var/log/web-build.log. A build
that failed is not tried again for the same sources (every `make run` would wait for the same
error) until the sources change or the command line asks (`make web` does).

    python run/hdms_run/build_frontend.py [--force] [--deps-only]
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend-service"
STAMP = ".build-stamp"
MIN_NODE_MAJOR = 20
#: Files and folders whose content decides what the export contains.
SOURCES = (
    "src",
    "public",
    "package.json",
    "package-lock.json",
    "next.config.ts",
    "next.config.mjs",
    "next.config.js",
    "tsconfig.json",
    "postcss.config.mjs",
    "postcss.config.js",
)
#: Sources that Next.js rewrites itself (`next build` and `next dev` add their entries to
#: tsconfig.json): the stamp takes them as the build left them, or each build would make the
#: next one look necessary.
REWRITTEN_BY_NEXT = ("tsconfig.json",)
BUILD_TIMEOUT = 30 * 60


class WebBuildError(Exception):
    """Why the web application could not be built (one line)."""


def default_out(frontend: Path = FRONTEND) -> Path:
    """The export folder: $HDMS_WEB_OUT (relative to frontend-service/) or frontend-service/out."""
    return (frontend / os.environ.get("HDMS_WEB_OUT", "out")).resolve()


def lock_path() -> Path:
    return Path(os.environ.get("HDMS_WEB_BUILD_LOCK", ROOT / "var" / "web-build.lock"))


def failure_path() -> Path:
    """Remembers the sources and export folder of the last failed build."""
    return lock_path().with_name("web-build.failed")


def log_path() -> Path:
    return Path(os.environ.get("HDMS_WEB_BUILD_LOG", ROOT / "var" / "log" / "web-build.log"))


def _source_files(frontend: Path) -> Iterator[Path]:
    for name in SOURCES:
        path = frontend / name
        if path.is_file():
            yield path
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and "__pycache__" not in child.parts:
                    yield child


def source_digests(frontend: Path = FRONTEND) -> dict[str, str]:
    """Each source file's hash by its path."""
    return {
        path.relative_to(frontend).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in _source_files(frontend)
    }


def combined_hash(digests: dict[str, str]) -> str:
    text = "".join(f"{name}\0{digest}\n" for name, digest in sorted(digests.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def source_hash(frontend: Path = FRONTEND) -> str:
    """One hash of every source file's path and content."""
    return combined_hash(source_digests(frontend))


def is_current(out: Path, wanted: str) -> bool:
    try:
        stamp = (out / STAMP).read_text().strip()
    except OSError:
        return False
    return stamp == wanted and (out / "index.html").is_file()


def check_node() -> None:
    """Node.js 20+ and npm, or a WebBuildError saying what is missing."""
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None or shutil.which("npx") is None:
        missing = "Node.js" if node is None else "npm"
        raise WebBuildError(f"{missing} is not installed (Node.js {MIN_NODE_MAJOR}+ with npm)")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, timeout=30
    ).stdout.strip()
    match = re.match(r"v?(\d+)\.", version)
    if match is None or int(match.group(1)) < MIN_NODE_MAJOR:
        raise WebBuildError(f"Node.js {version or '?'} is too old (Node.js {MIN_NODE_MAJOR}+)")


def dependencies_stale(frontend: Path = FRONTEND) -> bool:
    """node_modules is missing, or older than package-lock.json."""
    marker = frontend / "node_modules" / ".package-lock.json"
    if not marker.is_file():
        return True
    return marker.stat().st_mtime < (frontend / "package-lock.json").stat().st_mtime


@contextmanager
def build_lock() -> Iterator[None]:
    """An exclusive lock, so that two builds (or installs) never run at the same time."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(command: list[str], frontend: Path, env: dict[str, str], what: str) -> None:
    log = log_path()
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(command)}   ({time.strftime('%Y-%m-%d %H:%M:%S')})\n")
        out.flush()
        try:
            result = subprocess.run(
                command,
                cwd=frontend,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                timeout=BUILD_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise WebBuildError(f"{what} took longer than {BUILD_TIMEOUT} s; see {log}") from None
    if result.returncode != 0:
        raise WebBuildError(f"{what} failed (exit {result.returncode}); see {log}")


def _build_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(NEXT_TELEMETRY_DISABLED="1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1")
    env.pop("NODE_ENV", None)  # next build sets production itself
    return env


def install_dependencies(frontend: Path = FRONTEND, *, say: Callable[[str], None] = print) -> None:
    """`npm ci` when node_modules is missing or older than package-lock.json."""
    if not dependencies_stale(frontend):
        return
    if (frontend / "node_modules").is_symlink():
        # npm ci would empty the folder the link points to (someone else's packages).
        raise WebBuildError(f"{frontend / 'node_modules'} is a link with stale packages")
    say("web application: installing its npm packages (npm ci)...")
    _run(["npm", "ci", "--no-audit", "--no-fund"], frontend, _build_env(), "npm ci")


def _swap_in(staging: Path, out: Path) -> None:
    old = out.with_name(f".next-{out.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def build(out: Path, wanted: str, frontend: Path, say: Callable[[str], None]) -> None:
    check_node()
    with build_lock():
        if is_current(out, wanted):  # built by another process while this one waited
            return
        try:
            _build_locked(out, frontend, say)
        except WebBuildError:
            failure_path().write_text(f"{wanted} {out}\n")
            raise
        failure_path().unlink(missing_ok=True)


def failed_before(out: Path, wanted: str) -> bool:
    try:
        return failure_path().read_text().strip() == f"{wanted} {out}"
    except OSError:
        return False


def _build_locked(out: Path, frontend: Path, say: Callable[[str], None]) -> None:
    install_dependencies(frontend, say=say)
    built = source_digests(frontend)  # what this build sees
    say(f"web application: building it (next build, output in {log_path()})...")
    # Named .next-*: ignored by git and ESLint like the build's own folders.
    staging = out.with_name(f".next-{out.name}-building")
    shutil.rmtree(staging, ignore_errors=True)
    env = _build_env()
    # next.config.ts joins this to the application folder.
    env["HDMS_WEB_OUT"] = os.path.relpath(staging, frontend)
    _run(["npx", "--no-install", "next", "build"], frontend, env, "next build")
    if not (staging / "index.html").is_file():
        raise WebBuildError(f"next build wrote no {staging / 'index.html'}; see {log_path()}")
    for name in REWRITTEN_BY_NEXT:
        if (frontend / name).is_file():
            built[name] = hashlib.sha256((frontend / name).read_bytes()).hexdigest()
    (staging / STAMP).write_text(combined_hash(built) + "\n")
    _swap_in(staging, out)


def ensure_web_build(
    out: Path | None = None,
    *,
    force: bool = False,
    retry: bool = False,
    frontend: Path = FRONTEND,
    say: Callable[[str], None] = print,
) -> Path | None:
    """The export folder, built first when its sources changed; None (and one line saying
    why) when it cannot be built. A build that failed for the same sources is not tried again
    unless `retry` (or `force`)."""
    out = (out or default_out(frontend)).resolve()
    try:
        if not (frontend / "package.json").is_file():
            raise WebBuildError(f"{frontend} has no package.json")
        wanted = source_hash(frontend)
        if force:
            (out / STAMP).unlink(missing_ok=True)
        elif is_current(out, wanted):
            return out
        elif not retry and failed_before(out, wanted):
            raise WebBuildError(
                f"its last build failed and the sources have not changed since; see {log_path()}"
                " (`make web` tries again)"
            )
        build(out, wanted, frontend, say)
    except (WebBuildError, OSError, subprocess.SubprocessError) as error:
        say(f"web application not built: {error}")
        return None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="build even when up to date")
    parser.add_argument(
        "--deps-only", action="store_true", help="only `npm ci`, when node_modules is stale"
    )
    parser.add_argument("--out", type=Path, help="the export folder (default: $HDMS_WEB_OUT)")
    args = parser.parse_args(argv)
    if args.deps_only:
        try:
            check_node()
            with build_lock():
                install_dependencies()
        except (WebBuildError, OSError, subprocess.SubprocessError) as error:
            print(f"web application: {error}")
            return 1
        return 0
    started = time.monotonic()
    out = ensure_web_build(args.out, force=args.force, retry=True)
    if out is None:
        return 1
    print(f"web application: {out} ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
