"""Which worker does what, and when, in the parts path (`render.py` says what to do).

Jobs are a part's steps (lay out, write) run on one worker in order. A worker that laid a part
out holds it, so the part is written there; the front matter goes first in the writing phase;
a worker with nothing left takes over the smallest part the busiest other worker still holds
when laying it out again costs less than waiting (`Run._take_over`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from briefing.pdf.parts.messages import Failed, Finished, Laid, Ready
from briefing.pdf.parts.pool import RenderPool, Worker
from briefing.pdf.parts.progress import Progress, tell


class AbandonError(Exception):
    """Stop the parts path; the caller renders in one pass."""


@dataclass
class Job:
    key: str
    steps: list[tuple[Any, ...]]
    worker: Worker | None = None
    relayout: tuple[Any, ...] | None = None
    """For a part `worker` holds: the layout that lets another worker take the job over."""
    size: int = 0
    """The part's HTML length: a measure of its cost."""


RELAYOUT_COST = 2.6
"""Laying a part out and writing it, against only writing it (CPU, `benchmarks/profile_parts.py`)."""


@dataclass
class Run:
    pool: RenderPool
    replies: dict[str, Laid | Finished] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    laid_out: int = 0
    dropped: int = 0
    patches: dict[str, bool] = field(default_factory=dict)
    footnotes_reused: int = 0
    drops: dict[Worker, list[str]] = field(default_factory=dict)
    """Parts a worker holds that another worker took over: forgotten when it is next idle."""
    taken_over: int = 0

    def run(self, jobs: list[Job], phase: str = "", cached: int = 0) -> None:
        """Run every job's steps, each job on one worker, as many at once as there are workers
        (each job's end told to `progress` listeners as a step of `phase`)."""
        waiting = list(jobs)
        active: dict[Worker, Job] = {}
        done = pages = 0
        tell(Progress(phase, done, len(jobs), pages, cached))
        while waiting or active:
            for worker in self.pool.idle():
                for key in self.drops.pop(worker, []):
                    worker.submit(("drop", key))
                    worker.holds.discard(key)
                job = next((j for j in waiting if j.worker is worker), None)
                job = job or next((j for j in waiting if j.worker is None), None) or self._take_over(waiting)
                if job is None:
                    continue
                waiting.remove(job)
                job.worker = worker
                step = job.steps.pop(0)
                worker.submit(step)
                if step[0] == "layout":
                    worker.holds.add(step[1])
                self.laid_out += step[0] in ("layout", "whole")
                active[worker] = job
            if not active:
                if waiting:
                    self.pool.next_reply(120)  # a worker still starting up
                continue
            worker, reply = self.pool.next_reply(600)
            if isinstance(reply, Ready):
                continue
            job = active.pop(worker)
            if isinstance(reply, Failed):
                raise AbandonError(reply.message)
            if not isinstance(reply, (Laid, Finished)):
                raise AbandonError(f"unexpected reply {type(reply).__name__} from a layout worker")
            if reply.refusals:
                raise AbandonError(f"a resource was refused: {reply.refusals}"[:2000])
            if isinstance(reply, Finished):
                worker.holds.discard(reply.key)
                if reply.laid is not None:
                    self._count(reply.laid)
            else:
                self._count(reply)
                if not reply.held:
                    worker.holds.discard(reply.key)  # over its memory budget: laid out again when finished
                    self.dropped += 1
            self.warnings += reply.warnings
            self.replies[reply.key] = reply
            if job.steps:
                waiting.insert(0, job)
            else:
                done += 1
                pages += reply.pages if isinstance(reply, Laid) else 0
                tell(Progress(phase, done, len(jobs), pages, cached))
        for worker, keys in list(self.drops.items()):  # every worker is idle now
            for key in keys:
                worker.submit(("drop", key))
                worker.holds.discard(key)
        self.drops.clear()

    def _take_over(self, waiting: list[Job]) -> Job | None:
        """For a worker with nothing left to do: the smallest part still waiting for the busiest other
        worker, to lay out again and write here, when that worker would still be busy longer than
        this takes (the writing phase's parts wait on the worker that laid them out)."""
        loads: dict[Worker, list[Job]] = {}
        for job in waiting:
            if job.worker is not None and job.relayout is not None and len(job.steps) == 1:
                loads.setdefault(job.worker, []).append(job)
        if not loads:
            return None
        jobs = max(loads.values(), key=lambda held: sum(job.size for job in held))
        job = min(jobs, key=lambda held: held.size)
        if sum(other.size for other in jobs) - job.size < RELAYOUT_COST * job.size:
            return None
        assert job.worker is not None and job.relayout is not None
        self.drops.setdefault(job.worker, []).append(job.key)
        job.steps.insert(0, job.relayout)
        job.worker = None
        self.taken_over += 1
        return job

    def _count(self, laid: Laid) -> None:
        """A patch counts as active only if it was in place in every layout."""
        for name, active in laid.patches.items():
            self.patches[name] = self.patches.get(name, True) and active
        if not laid.patches:
            self.patches.setdefault("footnote_cache", False)
        self.footnotes_reused += laid.footnotes_reused


def front_first(jobs: list[Job], front_key: str, workers: list[Worker], sizes: dict[str, int]) -> None:
    """The front matter (laid out again with its page numbers, then written) is the longest job of
    the writing phase: start it first, on the worker holding the least other work, instead of
    after every part a worker holds (which left it alone at the end, a second or more)."""
    front = next((job for job in jobs if job.key == front_key and job.worker is None), None)
    if front is None or not workers:
        return
    jobs.remove(front)
    jobs.insert(0, front)
    front.worker = min(workers, key=lambda worker: sum(sizes.get(key, 0) for key in worker.holds))


