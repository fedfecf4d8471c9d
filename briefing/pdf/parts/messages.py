"""What a rendering worker answers (`render_worker`), as typed messages instead of positional tuples.

Requests stay small tuples (`("layout", key, …)`, see `render_worker`); every reply is one of
the classes below, pickled over the worker's stdout. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Ready:
    """The worker has imported WeasyPrint and waits for requests."""


@dataclass(frozen=True)
class Laid:
    """A part laid out (not yet numbered)."""

    key: str
    pages: int
    anchors: dict[str, int]
    warnings: list[str]
    refusals: list[Any]
    held: bool
    """False: over the memory budget, the part was not kept and is laid out again when finished."""
    patches: dict[str, bool] = field(default_factory=dict)
    """Each WeasyPrint patch of `part_layout` and whether it was in place during this layout."""
    footnotes_reused: int = 0
    """Footnote layouts the footnote cache gave back instead of laying the note out again."""


@dataclass(frozen=True)
class Finished:
    """A part's PDF, numbered."""

    key: str
    data: bytes
    refusals: list[Any]
    warnings: list[str]
    pages: int = 0
    """Pages written (stub pages included)."""
    laid: Laid | None = None
    """For a part laid out and written in one request ("whole"): its layout's report."""


@dataclass(frozen=True)
class Failed:
    """A layout or finish failed; the parent renders in one pass."""

    key: str
    message: str
    refusals: list[Any]


@dataclass(frozen=True)
class Returned:
    """What a `("call", …)` request's function returned."""

    key: str
    value: Any
    warnings: list[str]


@dataclass(frozen=True)
class Raised:
    """The exception a `("call", …)` request's function raised (itself when it pickles, else its text)."""

    key: str
    exception: BaseException


Reply = Ready | Laid | Finished | Failed | Returned | Raised
