"""Timing a call in process: the samples in milliseconds, and a percentile of them.

The benches that time calls one at a time (a request, a query, one pass of the sweep) take
their samples here, so every such figure is taken the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def samples_ms(call: Callable[[], object], count: int, *, warmup: int = 0) -> list[float]:
    """The duration of each of `count` calls in milliseconds, after `warmup` untimed ones."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at `fraction` (0.5: the median) of the sorted samples, nearest rank."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
