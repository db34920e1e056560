"""CPU time and memory of process trees, read from /proc (Linux; standard library only).

A bench names the root process of each group (a gunicorn master, a server's main process)
and reads the whole tree under it at every snapshot, so workers forked or restarted between
two snapshots are counted. CPU is utime + stime + cutime + cstime of every live process of the
tree: a process that exited and was reaped (a PostgreSQL backend that disconnected, a Celery
child) has its time added to its parent's cutime/cstime, so nothing the tree did is lost.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return text[text.rindex(")") + 2 :].split()


def parents() -> dict[int, int]:
    """pid -> parent pid of every process now."""
    result = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                result[int(entry.name)] = int(fields[1])
    return result


def tree(root: int, parent_of: Mapping[int, int] | None = None) -> list[int]:
    """`root` and every live descendant of it (empty when root is gone)."""
    parent_of = parents() if parent_of is None else parent_of
    if root not in parent_of:
        return []
    children: dict[int, list[int]] = {}
    for pid, parent in parent_of.items():
        children.setdefault(parent, []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def children(pid: int, parent_of: Mapping[int, int] | None = None) -> list[int]:
    """The live processes whose parent is `pid` (gunicorn's workers, PostgreSQL's backends)."""
    parent_of = parents() if parent_of is None else parent_of
    return [child for child, parent in parent_of.items() if parent == pid]


def cpu_by_pid(pids: Iterable[int], *, reaped: bool = True) -> dict[int, float]:
    """pid -> CPU seconds, user and system, of each process still alive; with `reaped`, what
    its reaped children used too (a whole tree's work), else its own threads' alone."""
    spent = {}
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            # Fields 14-17 of stat (utime, stime, cutime, cstime), after the two removed.
            spent[pid] = sum(int(value) for value in fields[11 : 15 if reaped else 13])
    return {pid: ticks / CLOCK_TICKS for pid, ticks in spent.items()}


def cpu_seconds(pids: Iterable[int], *, reaped: bool = True) -> float:
    """CPU seconds the processes (and, with `reaped`, their reaped children) used."""
    return sum(cpu_by_pid(pids, reaped=reaped).values())


def cpu_used(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    """CPU seconds between two cpu_by_pid readings: a process born in between counts whole,
    one gone in between not at all."""
    return sum(spent - before.get(pid, 0.0) for pid, spent in after.items())


def _kib(pid: int, file: str, key: str) -> int:
    """The KiB figure of line `key` of /proc/PID/`file` (0 when the process is gone)."""
    try:
        for line in (PROC / str(pid) / file).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kib(pid: int) -> int:
    """The proportional set size of one process in KiB (0 when it is gone)."""
    return _kib(pid, "smaps_rollup", "Pss:")


def peak_rss_kib(pid: int) -> int:
    """The most resident memory the process ever held (VmHWM), in KiB (0 when it is gone)."""
    return _kib(pid, "status", "VmHWM:")


#: name -> the pids of that group now (the group's tree, maybe less some pids).
Groups = Mapping[str, Callable[[], list[int]]]


def tree_group(root: int | None) -> Callable[[], list[int]]:
    """A group made of the tree under `root` as it is at each call."""
    return lambda: tree(root) if root else []


def cpu_snapshot(groups: Groups) -> dict[str, float]:
    return {name: cpu_seconds(pids()) for name, pids in groups.items()}


def cpu_delta(before: Mapping[str, float], after: Mapping[str, float]) -> dict[str, float]:
    return {name: max(after[name] - before.get(name, 0.0), 0.0) for name in after}


def memory(groups: Groups) -> dict[str, dict[str, int]]:
    """name -> {"processes": count, "pss_kib": sum} for each group now."""
    result = {}
    for name, pids in groups.items():
        members = pids()
        result[name] = {"processes": len(members), "pss_kib": sum(pss_kib(p) for p in members)}
    return result


def idle_rate(groups: Groups, window: float = 3.0) -> dict[str, float]:
    """The CPU each group uses while nothing is asked of it (timers, heartbeats, polling), in
    cores, over `window` seconds: subtracted from a load's CPU, so that a figure counts what
    the operations cost and not how long the bench waited."""
    before = cpu_snapshot(groups)
    time.sleep(window)
    used = cpu_delta(before, cpu_snapshot(groups))
    return {name: seconds / window for name, seconds in used.items()}


def settle(
    groups: Groups,
    *,
    idle_cores: float = 0.0,
    quiet_cores: float = 0.05,
    window: float = 1.0,
    timeout: float = 60.0,
) -> float:
    """Wait until the groups together use under `idle_cores` + `quiet_cores` of CPU over
    `window` seconds (the work a load left queued, events its consumers still process, is
    done), at most `timeout` seconds; return the seconds waited."""
    started = time.monotonic()
    previous = sum(cpu_snapshot(groups).values())
    while time.monotonic() - started < timeout:
        time.sleep(window)
        now = sum(cpu_snapshot(groups).values())
        if now - previous < (idle_cores + quiet_cores) * window:
            break
        previous = now
    return time.monotonic() - started
