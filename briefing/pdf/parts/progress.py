"""How far a build's layout has got, for whoever listens (the command line, on a terminal).

The parts path (`render.py`) tells each step as it ends: a part laid out (with its pages),
a part numbered and written, and how many parts came from the cache. Nothing listens unless
the command line says so (`briefing build` and `briefing release` do when stderr is a
terminal), so a build in CI, a test or a watch process pays one function call per part.
Standard library only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """One step of the layout."""

    phase: str
    """'laying out' (page counts) or 'writing' (numbered part PDFs)."""
    done: int
    total: int
    pages: int
    """Pages laid out so far in this phase."""
    cached: int
    """Parts this phase took from the cache instead."""

    def describe(self) -> str:
        cached = f", {self.cached} from the cache" if self.cached else ""
        pages = f" ({self.pages} page{'s' if self.pages != 1 else ''})" if self.pages else ""
        return f"{self.phase}: {self.done}/{self.total} parts{pages}{cached}"


_LISTENERS: list[Callable[[Progress], None]] = []


@contextlib.contextmanager
def listening(listener: Callable[[Progress], None]) -> Iterator[None]:
    """Hear every step told while the block runs."""
    _LISTENERS.append(listener)
    try:
        yield
    finally:
        _LISTENERS.remove(listener)


def tell(step: Progress) -> None:
    """Tell the listeners (a listener's failure never fails a build)."""
    for listener in list(_LISTENERS):
        with contextlib.suppress(Exception):
            listener(step)
