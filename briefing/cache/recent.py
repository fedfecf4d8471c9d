"""The most recently used results of an expensive, pure step, kept for a warm process.

`briefing build --watch` and `briefing preview` rebuild in one process after every edit; the
steps that would otherwise repeat for unchanged inputs (converting a chapter's Markdown,
parsing a YAML file, parsing a part's PDF) keep their last results here, keyed by a hash of
everything the result depends on, so the inputs themselves are not held. A one-off build
only ever misses.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class Recent(Generic[Value]):
    """Up to `keep` values by key; the least recently used is forgotten first."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._values: OrderedDict[Hashable, Value] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        """The value kept for `key`, else `make()`, kept from now on."""
        if key in self._values:
            self._values.move_to_end(key)
            return self._values[key]
        value = self._values[key] = make()
        while len(self._values) > self.keep:
            self._values.popitem(last=False)
        return value
