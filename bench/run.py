"""Run every benchmark of bench/ (`make bench`): each prints its figures and its ratios against
a reference measured in the same run, so results compare across machines.

Benchmarks are never part of `make test`. `python bench/run.py NAME...` runs only some
(NAME as in NAME_bench.py).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(HERE.glob("*_bench.py"))
    if argv:
        scripts = [s for s in scripts if s.name.removesuffix("_bench.py") in argv]
    failures = 0
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        print(
            f"=== {script.name}: exit {result.returncode} in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
