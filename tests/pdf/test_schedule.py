"""The writing phase's schedule: each part written where it is held, the front matter first, and an
idle worker taking over a part the busiest worker still holds only when that saves time.

The workers here are simulated (a clock, a cost per step): what is checked is the order of the
requests the scheduler sends, which is all `schedule.Run` decides. The real workers and their
output are covered by the equivalence tests (tests/pdf/test_speed_equivalence.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from briefing.pdf.parts.messages import Finished, Laid
from briefing.pdf.parts.schedule import RELAYOUT_COST, Job, Run, front_first


class SimulatedWorker:
    """Answers each request after a cost in simulated seconds; refuses to write a part it does not hold."""

    def __init__(self, name: str, holds: set[str]) -> None:
        self.name = name
        self.ready = True
        self.busy = False
        self.holds = set(holds)  # the scheduler's view
        self.held = set(holds)  # what the process really holds
        self.log: list[tuple[str, str]] = []
        self.free_at = 0.0
        self.reply: Any = None

    def submit(self, message: tuple[Any, ...]) -> None:
        kind, key = message[0], message[1]
        assert not self.busy, f"{self.name} was sent {kind} {key} while busy"
        self.log.append((kind, key))
        if kind == "drop":
            self.held.discard(key)
            return
        size = SIZES[key]
        if kind == "layout":
            self.held.add(key)
            self.reply = Laid(key, 1, {}, [], [], True)
            cost = (RELAYOUT_COST - 1) * size
        else:
            assert key in self.held, f"{self.name} was asked to write {key}, which it does not hold"
            self.held.discard(key)
            self.reply = Finished(key, b"%PDF", [], [])
            cost = size
        self.busy = True
        self.free_at = CLOCK["now"] + cost


class SimulatedPool:
    def __init__(self, workers: list[SimulatedWorker]) -> None:
        self.workers = workers

    def idle(self) -> list[SimulatedWorker]:
        return [w for w in self.workers if w.ready and not w.busy]

    def next_reply(self, timeout: float | None = None) -> tuple[SimulatedWorker, Any]:
        worker = min((w for w in self.workers if w.busy), key=lambda w: w.free_at)
        CLOCK["now"] = worker.free_at
        worker.busy = False
        return worker, worker.reply


SIZES: dict[str, float] = {}
CLOCK = {"now": 0.0}


def writing_phase(held: dict[str, list[tuple[str, float]]], front: float | None = None,
                  take_over: bool = True) -> tuple[float, dict[str, list[tuple[str, str]]]]:
    """Run a writing phase: `held` maps a worker to the parts it holds (key, cost of writing it)."""
    SIZES.clear()
    CLOCK["now"] = 0.0
    workers = {name: SimulatedWorker(name, {key for key, _ in parts}) for name, parts in held.items()}
    jobs = []
    for name, parts in held.items():
        for key, size in parts:
            SIZES[key] = size
            jobs.append(Job(key, [("finish", key)], workers[name], ("layout", key) if take_over else None, int(size)))
    if front is not None:
        SIZES["front"] = front
        jobs.append(Job("front", [("layout", "front"), ("finish", "front")]))
        front_first(jobs, "front", list(workers.values()), {key: int(SIZES[key]) for key in SIZES})
    run = Run(SimulatedPool(list(workers.values())))  # type: ignore[arg-type]
    run.run(jobs)
    for worker in workers.values():
        assert not worker.held, f"{worker.name} still holds {worker.held} after the phase"
    finished = [key for w in workers.values() for kind, key in w.log if kind == "finish"]
    assert sorted(finished) == sorted(SIZES), "every part is written exactly once"
    return CLOCK["now"], {name: w.log for name, w in workers.items()}


def test_an_idle_worker_takes_over_parts_the_busy_one_holds() -> None:
    held = {"a": [(f"p{i}", 10.0) for i in range(8)], "b": []}
    with_take_over, logs = writing_phase(held)
    without, _ = writing_phase(held, take_over=False)
    assert without == pytest.approx(80.0)
    # writing a held part costs 10, laying one out again and writing it 26: the best split is six
    # parts where they are held (60) and two taken over (52), against 80 on one worker
    assert with_take_over == pytest.approx(60.0)
    taken = [key for kind, key in logs["b"] if kind == "finish"]
    assert taken and all(("layout", key) in logs["b"][:logs["b"].index(("finish", key))] for key in taken)
    assert {key for kind, key in logs["a"] if kind == "drop"} == set(taken)  # the holder forgets them


def test_no_take_over_when_waiting_is_cheaper() -> None:
    held = {"a": [("p1", 10.0), ("p2", 10.0)], "b": [("p3", 12.0)]}
    _, logs = writing_phase(held)
    assert [kind for kind, _ in logs["b"]] == ["finish"]  # waiting for p2 (10) beats laying it out again (26)
    assert ("drop", "p2") not in logs["a"]


def test_the_front_matter_is_written_first_on_the_least_loaded_worker() -> None:
    held = {"a": [("p1", 10.0), ("p2", 10.0)], "b": [("p3", 5.0)]}
    _, logs = writing_phase(held, front=15.0, take_over=False)
    assert logs["b"][:2] == [("layout", "front"), ("finish", "front")]
    assert logs["a"][0] == ("finish", "p1")
