"""A pool of rendering worker processes (`briefing.pdf.parts.worker`), for parts and for editions.

WeasyPrint uses one core; the only way to use more is more processes. On Linux the workers
are forked from a zygote (`zygote.py`, `forked.py`), one process that imports WeasyPrint once
and makes a first layout; elsewhere, or with `BRIEFING_WORKER_START=spawn`, each worker is a
subprocess of the current Python (`python -m briefing.pdf.parts.worker`) that imports it
itself. Either way a worker talks over two pipes with length-prefixed pickles, so any parent
works: the CLI, a watch process with threads, a release. `shared_pool()` keeps one pool per
process: started early in a build (the zygote or the workers import WeasyPrint while the
parent converts Markdown) and reused by later builds of a warm process, which then pay no
start-up at all.

The number of workers is `BRIEFING_JOBS` when set, else the number of usable cores (at most 8).
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from briefing.pdf.parts.forked import ForkedProcess, Zygote, start_method
from briefing.pdf.parts.messages import Raised, Ready, Reply, Returned

_HEADER = struct.Struct("!Q")
_POOL: RenderPool | None = None
_ROLE = {"worker": False}


def mark_worker() -> None:
    """This process is a rendering worker (`worker.main`): what it lays out, it lays out itself."""
    _ROLE["worker"] = True


def inside_worker() -> bool:
    """Whether this process is a rendering worker (a release's edition is rendered in one)."""
    return _ROLE["worker"]


def send(stream: IO[bytes], message: Any) -> None:
    """Write one message."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """Read one message; None at end of stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def default_jobs() -> int:
    """How many workers to run: BRIEFING_JOBS, else the usable cores (1–8)."""
    configured = os.environ.get("BRIEFING_JOBS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


class WorkerDiedError(Exception):
    """A worker process ended or answered nonsense."""


@dataclass(eq=False)
class Worker:
    """One worker process and what it holds."""

    process: subprocess.Popen[bytes] | ForkedProcess
    stderr: Any
    ready: bool = False
    busy: bool = False
    holds: set[str] = field(default_factory=set)

    def submit(self, message: tuple[Any, ...]) -> None:
        """Send a request (the worker answers later, see `RenderPool.next_reply`)."""
        assert self.process.stdin is not None
        try:
            send(self.process.stdin, message)
        except (BrokenPipeError, OSError) as exc:
            tail = ""
            try:
                self.stderr.seek(0)
                tail = self.stderr.read().decode("utf-8", "replace")[-2000:].strip()
            except (OSError, ValueError):
                pass
            raise WorkerDiedError(f"worker {self.process.pid} is gone: {exc}" + (f": {tail}" if tail else "")) from None
        self.busy = message[0] != "drop"

    def alive(self) -> bool:
        return self.process.poll() is None


class RenderPool:
    """Worker processes, started at once, answering in any order."""

    def __init__(self, jobs: int, preload: Sequence[str] = ()) -> None:
        self.environment = dict(os.environ)
        """The environment the workers started with (fonts, dates): a change needs new workers."""
        self.started = start_method()
        """'fork' (from the zygote) or 'spawn'."""
        self.zygote = Zygote({**os.environ, "PYTHONUNBUFFERED": "0"}, preload) if self.started == "fork" else None
        self.jobs = max(1, jobs)
        self._workers = [self._start() for _ in range(self.jobs)] if self.zygote is None else []

    @property
    def workers(self) -> list[Worker]:
        """The worker processes; forked from the zygote on first use (after `warm`, if called first)."""
        if self.zygote is not None and len(self._workers) < self.jobs:
            self._workers += [self._start() for _ in range(self.jobs - len(self._workers))]
        return self._workers

    @property
    def cold(self) -> bool:
        """Whether `warm` would still reach the workers (forked ones not forked yet)."""
        return self.zygote is not None and not self._workers

    def warm(self, document: str, base_url: str, policy: Any) -> None:
        """Before the workers are forked: let the zygote parse `document`'s stylesheets and load its
        fonts once, for every worker (spawned workers, or ones forked already, each do it themselves)."""
        if self.cold and self.zygote is not None:
            self.zygote.warm(document, base_url, policy)

    def _start(self) -> Worker:
        if self.zygote is not None:
            forked, stderr = self.zygote.fork()
            return Worker(forked, stderr)
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 (kept open for the worker's life, closed in close())
        env = {**os.environ, "PYTHONUNBUFFERED": "0"}
        # -P: the worker's sys.path does not start with the current folder, which is the project's; a
        # project with its own briefing/ folder must not have its Python run in place of the tool's
        process = subprocess.Popen([sys.executable, "-P", "-m", "briefing.pdf.parts.worker"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=stderr, env=env, close_fds=True)
        return Worker(process, stderr)

    def healthy(self) -> bool:
        started = self._workers or self.zygote is None or self.zygote.alive()
        return bool(started) and all(worker.alive() for worker in self._workers) and \
            self.environment == dict(os.environ)

    def describe_start(self) -> str:
        """How the workers started, for the layout report."""
        return "forked from a warm zygote" if self.started == "fork" else "spawned interpreters"

    def idle(self) -> list[Worker]:
        """Workers ready for a request."""
        return [w for w in self.workers if w.ready and not w.busy]

    def next_reply(self, timeout: float | None = None) -> tuple[Worker, Reply]:
        """Wait for the next message from any worker (`Ready` included)."""
        streams = {w.process.stdout: w for w in self.workers if w.process.stdout is not None}
        readable, _, _ = select.select(list(streams), [], [], timeout)
        if not readable:
            raise WorkerDiedError("no worker answered in time")
        worker = streams[readable[0]]
        assert worker.process.stdout is not None
        message = receive(worker.process.stdout)
        if message is None:
            raise WorkerDiedError(f"worker {worker.process.pid} ended: {self._stderr_tail(worker)}")
        if isinstance(message, Ready):
            worker.ready = True
        else:
            worker.busy = False
        return worker, message

    def drop_all(self) -> None:
        """Forget every laid-out part (after a failed build), keeping the processes."""
        for worker in self.workers:
            for key in list(worker.holds):
                worker.submit(("drop", key))
            worker.holds.clear()
            worker.busy = False

    def _stderr_tail(self, worker: Worker) -> str:
        text = ""
        try:
            worker.stderr.seek(0)
            text = worker.stderr.read().decode("utf-8", "replace")[-2000:].strip()
        except OSError:
            pass
        if not text and self.zygote is not None:
            text = self.zygote.stderr_text()
        return text or "no message"

    def close(self) -> None:
        """End the workers: closing stdin ends a ready worker's loop; one still starting is stopped."""
        for worker in self._workers:
            try:
                if worker.process.stdin is not None:
                    worker.process.stdin.close()
            except OSError:
                pass
            if not worker.ready and worker.alive():
                worker.process.terminate()
        if self.zygote is not None:
            self.zygote.stop_forking()  # workers it has not forked yet are never forked
        for worker in self._workers:
            try:
                worker.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.process.terminate()  # a busy worker: SIGTERM lets it clean up; SIGKILL only if it will not
                try:
                    worker.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    worker.process.kill()
                    worker.process.wait()
            worker.stderr.close()
            if isinstance(worker.process, ForkedProcess):
                worker.process.close()
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None
        self._workers = []


def shared_pool(jobs: int | None = None, preload: Sequence[str] = ()) -> RenderPool:
    """The process's pool, started on first use and restarted if a worker died.

    `preload`: modules the zygote imports besides WeasyPrint (for `run_calls`' functions)."""
    global _POOL
    wanted = jobs or default_jobs()
    if _POOL is not None and (not _POOL.healthy() or _POOL.jobs != wanted):
        _POOL.close()
        _POOL = None
    if _POOL is None:
        _POOL = RenderPool(wanted, preload)
        atexit.register(close_shared_pool)
    return _POOL


def close_shared_pool() -> None:
    """End the shared pool's workers (at exit, or when a warm process wants its memory back)."""
    global _POOL
    if _POOL is not None:
        _POOL.close()
        _POOL = None


def run_calls(calls: Sequence[tuple[str, tuple[Any, ...], dict[str, Any]]],
              pool: RenderPool | None = None, on_result: Callable[[int, Any], None] | None = None) -> list[Any]:
    """Run importable functions in the worker processes, as many at once as there are workers.

    Each call is ("module:function", args, kwargs); arguments and results must pickle. Returns
    the results in the order of `calls`; the first exception (in that order) is raised again
    here once every call has ended. `on_result(index, value)` hears of each success as it
    ends. For `briefing release`: one call per edition renders the
    editions in parallel processes, each worker keeping WeasyPrint and its fonts warm. The
    workers inherit this process's environment when they start (a changed environment, such
    as a pinned SOURCE_DATE_EPOCH or an isolated fontconfig, starts new workers).
    """
    pool = pool or shared_pool()
    results: dict[int, tuple[bool, Any]] = {}
    waiting = list(enumerate(calls))
    active: dict[Worker, int] = {}
    while waiting or active:
        for worker in pool.idle():
            if not waiting:
                break
            index, (target, args, kwargs) = waiting.pop(0)
            worker.submit(("call", str(index), target, tuple(args), dict(kwargs)))
            active[worker] = index
        worker, reply = pool.next_reply(None)
        if isinstance(reply, Ready):
            continue
        index = active.pop(worker)
        if isinstance(reply, Returned):
            results[index] = (True, reply.value)
            if on_result is not None:
                on_result(index, reply.value)
        elif isinstance(reply, Raised):
            results[index] = (False, reply.exception)
        else:
            results[index] = (False, WorkerDiedError(str(getattr(reply, "message", reply))))
    for index in range(len(calls)):
        ok, value = results[index]
        if not ok:
            raise value
    return [results[index][1] for index in range(len(calls))]
