"""Time a command in a fresh process, with its peak memory, and summarise repeated runs."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1024 * 1024


@dataclass
class Sample:
    """One run: wall seconds, peak RSS of the largest process and of the whole process tree (bytes)."""

    seconds: float
    peak_process: int = 0
    peak_tree: int = 0
    output: str = ""


@dataclass
class Series:
    """Repeated runs of one measurement."""

    name: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    @property
    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.samples else float("nan")

    @property
    def low(self) -> float:
        return min(self.seconds) if self.samples else float("nan")

    @property
    def high(self) -> float:
        return max(self.seconds) if self.samples else float("nan")

    @property
    def peak_process_mib(self) -> float:
        return max((s.peak_process for s in self.samples), default=0) / MIB

    @property
    def peak_tree_mib(self) -> float:
        return max((s.peak_tree for s in self.samples), default=0) / MIB


def _pss(pid: int) -> int | None:
    """The process's proportional set size in bytes (Linux), None where it cannot be read.

    Forked workers share most of their pages with the zygote they came from; summing their RSS
    would count those pages once per process. PSS divides each shared page among its sharers,
    so the sum over a process tree is the memory the tree really uses."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


class _Watcher(threading.Thread):
    """Sample the RSS of a process and all its descendants every few milliseconds (and their
    summed PSS, where Linux gives it: the "all processes" figure)."""

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_process = self.peak_tree = 0
        self.done = threading.Event()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        tick = 0
        while not self.done.is_set():
            tick += 1
            try:
                processes = [root, *root.children(recursive=True)]
                sizes, shares = [], []
                for process in processes:
                    try:
                        sizes.append(process.memory_info().rss)
                    except psutil.Error:
                        continue
                    if tick % 5 == 0:  # PSS costs more to read: every 100 ms
                        share = _pss(process.pid)
                        shares.append(sizes[-1] if share is None else share)
                if sizes:
                    self.peak_process = max(self.peak_process, max(sizes))
                    if shares:
                        self.peak_tree = max(self.peak_tree, sum(shares))
            except psutil.Error:
                pass
            self.done.wait(self.interval)


def run_command(command: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None,
                check: bool = True) -> Sample:
    """Run `command` once in a fresh process; wall time from start to exit, peak memory sampled."""
    full_env = {**os.environ, **(env or {})}
    started = time.perf_counter()
    process = subprocess.Popen([str(c) for c in command], cwd=cwd, env=full_env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    watcher = _Watcher(process.pid)
    watcher.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    watcher.done.set()
    watcher.join()
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed ({process.returncode}):\n{stderr[-3000:]}")
    return Sample(seconds, watcher.peak_process, watcher.peak_tree, stdout + stderr)


def repeat(name: str, runs: int, once: Callable[[], Sample], before: Callable[[], None] | None = None,
           note: str = "") -> Series:
    """`runs` samples of `once`, calling `before` (not timed) ahead of each."""
    series = Series(name, note=note)
    for _ in range(runs):
        if before is not None:
            before()
        series.samples.append(once())
        print(f"  {name}: {series.samples[-1].seconds:.3f} s", file=sys.stderr, flush=True)
    return series


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"
