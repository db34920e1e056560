"""Several background loops of the services in one process, each in a thread:
``python -m hdms_common.background LOOP...``.

A loop is named ``package.module:function``: the function takes the service's Flask app (built
once per package here, from the environment, as the service's own commands build it) and
either starts its work itself and returns the thread (the outbox relay and sweep of
``ticket_service.background``), or returns a consumer with ``run_forever()`` and ``stop()``
(the event stream consumers), run here in a thread of its own. ``package.module:function@300``
is a periodic job instead: the function is called with the app every 300 seconds (the first
time 300 seconds after the start, as a Celery beat with a fresh schedule would), and a failure
is logged and tried again at the next tick. The loops are the very functions the services' own
commands, tasks and the embedded mode run; only the process around them is shared.

Why: each Python process of a service holds about 70 MiB of imported modules. A relay and
three consumers that wait on Redis most of the time need no process each (docs/stack.md,
"Processes and memory"). The loops are I/O bound: psycopg2 and redis release the GIL while they
wait, so threads keep them as responsive as processes were.

SIGTERM or SIGINT stops the consumers (each finishes the entry it handles) and exits 0. A loop
that ends on its own is a failure: the process exits 1 at once, so that whatever supervises it
(the stack's supervisor, the container's restart policy) notices, as when one of the separate
processes died.
"""

from __future__ import annotations

import importlib
import logging
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, Protocol

from flask import Flask

log = logging.getLogger(__name__)

#: How long SIGTERM waits for the consumers to finish the entries they hold.
STOP_TIMEOUT_SECONDS = 15.0


class Consumer(Protocol):
    def run_forever(self) -> None: ...

    def stop(self) -> None: ...


class Periodic:
    """Calls ``function(app)`` every ``seconds`` until stopped."""

    def __init__(self, spec: str, app: Flask, function: Callable[[Flask], Any], seconds: float):
        self.spec, self.app, self.function, self.seconds = spec, app, function, seconds
        self._stopping = threading.Event()

    def run_forever(self) -> None:
        while not self._stopping.wait(self.seconds):
            try:
                self.function(self.app)
            except Exception:  # noqa: BLE001 - as a beat's task failing: the next tick retries
                log.exception("periodic job %s failed", self.spec)

    def stop(self) -> None:
        self._stopping.set()


def resolve(spec: str) -> tuple[str, Callable[[Flask], Any]]:
    """``package.module:function`` -> (the top-level package, the function)."""
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise ValueError(f"{spec!r} is not package.module:function")
    function: Callable[[Flask], Any] = getattr(importlib.import_module(module_name), attribute)
    return module_name.split(".", 1)[0], function


class Background:
    """The loops of one process: started together, stopped together."""

    def __init__(self, specs: list[str]) -> None:
        self.specs = specs
        self.apps: dict[str, Flask] = {}
        self.consumers: list[Consumer] = []
        #: Every loop's thread; the consumers' threads (started here) are joined on stop.
        self.threads: list[threading.Thread] = []
        self.consumer_threads: list[threading.Thread] = []
        self.stopping = threading.Event()
        #: Set when a loop's thread ends (stopping or not): the main thread then looks.
        self.ended = threading.Event()

    def app_of(self, package: str) -> Flask:
        if package not in self.apps:
            self.apps[package] = importlib.import_module(package).create_app()
        return self.apps[package]

    def start(self) -> None:
        for spec in self.specs:
            target, _, every = spec.partition("@")
            package, function = resolve(target)
            app = self.app_of(package)
            if every:
                started: Any = Periodic(spec, app, function, float(every))
            else:
                with app.app_context():
                    started = function(app)
            if isinstance(started, threading.Thread):
                self.threads.append(started)
            else:
                self.consumers.append(started)
                self.consumer_threads.append(self._run(spec, app, started))
                self.threads.append(self.consumer_threads[-1])
            log.info("background loop %s started", spec)

    def _run(self, spec: str, app: Flask, consumer: Consumer) -> threading.Thread:
        def run() -> None:
            try:
                with app.app_context():
                    consumer.run_forever()
            except Exception:  # noqa: BLE001 - reported, then the process exits 1
                log.exception("background loop %s failed", spec)
            finally:
                self.ended.set()

        thread = threading.Thread(target=run, name=spec, daemon=True)
        thread.start()
        return thread

    def wait(self) -> int:
        """Until a signal (0) or a loop that ended by itself (1)."""
        while not self.stopping.is_set():
            self.ended.wait(1.0)
            dead = [t.name for t in self.threads if not t.is_alive()]
            if dead and not self.stopping.is_set():
                log.error("background loop ended: %s", ", ".join(dead))
                return 1
        for consumer in self.consumers:
            consumer.stop()
        for thread in self.consumer_threads:
            thread.join(timeout=STOP_TIMEOUT_SECONDS)
        return 0

    def request_stop(self, *_: Any) -> None:
        self.stopping.set()
        self.ended.set()


def main(argv: list[str] | None = None) -> int:
    specs = sys.argv[1:] if argv is None else argv
    if not specs:
        print("usage: python -m hdms_common.background package.module:function...")
        return 2
    background = Background(specs)
    signal.signal(signal.SIGTERM, background.request_stop)
    signal.signal(signal.SIGINT, background.request_stop)
    background.start()
    print(f"running {len(specs)} background loop(s): {' '.join(specs)}", flush=True)
    return background.wait()


if __name__ == "__main__":
    sys.exit(main())
