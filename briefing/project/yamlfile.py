"""Safe YAML with line numbers.

Every mapping and sequence that comes out of `load_yaml` remembers the line of each key
and item, so that a validation error can be reported at the line the user wrote.
Loading is safe (no Python tags), duplicate keys are errors, and documents that use
many aliases (the "billion laughs" expansion bomb) are refused before they are built.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent

from briefing.cache.recent import Recent
from briefing.errors import Problem

MAX_ALIASES = 100
"""More aliases than this in one document is refused: no briefing file needs them."""
MAX_NODES = 100_000
"""Most values (aliases expanded) in one document: a few aliases of aliases can otherwise mean billions."""
MAX_DEPTH = 40
"""Deepest nesting of mappings and lists in one document."""


class LineDict(dict[Any, Any]):
    """A dict that knows the line of the mapping and of each key."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A list that knows the line of the sequence and of each item."""

    line: int = 0
    item_lines: list[int]


class YamlStructureError(Exception):
    """A YAML syntax or structure error at a line (0-based offset handled by caller)."""

    def __init__(self, line: int, message: str, first: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.first = first
        """Another line the message names as `{first}` (shifted like `line` by the caller)."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that records lines, refuses duplicate keys and alias bombs."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise YamlStructureError(
                    event.start_mark.line + 1,
                    f"more than {MAX_ALIASES} YAML aliases; refusing a possible alias-expansion bomb",
                )
        return super().compose_node(parent, index)

    def get_single_node(self) -> Any:
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose values, aliases expanded, are too many, too deep or recursive."""
    sizes: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()

    def measure(node: yaml.Node) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise YamlStructureError(node.start_mark.line + 1, "a YAML alias refers to its own anchor (a recursive value)")
        open_nodes.add(key)
        count, depth = 1, 1
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
            for child in children:
                child_count, child_depth = measure(child)
                count, depth = count + child_count, max(depth, child_depth + 1)
                if count > MAX_NODES:
                    raise YamlStructureError(node.start_mark.line + 1, f"more than {MAX_NODES:,} values once aliases are "
                                      "expanded; refusing a possible alias-expansion bomb")
                if depth > MAX_DEPTH:
                    raise YamlStructureError(node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
        open_nodes.discard(key)
        sizes[key] = (count, depth)
        return count, depth

    measure(root)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            raise YamlStructureError(line, "a mapping key must be a plain value") from None
        if key in result:
            raise YamlStructureError(line, f"duplicate key '{key}' (first at line {{first}})", result.key_lines[key])
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


MAX_INTEGER = 10**15
"""Largest whole number accepted (beyond it a value is a mistake, and long digit strings cost time)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    digits = len(str(node.value).lstrip("+-").replace("_", ""))
    if digits > 20:
        raise YamlStructureError(_line(node), f"number with {digits} digits is out of range (at most {MAX_INTEGER:,})")
    value = yaml.SafeLoader.construct_yaml_int(loader, node)
    if abs(value) > MAX_INTEGER:
        raise YamlStructureError(_line(node), f"number {node.value} is out of range (at most {MAX_INTEGER:,})")
    return int(value)


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> float:
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    if not math.isfinite(value) or abs(value) > MAX_INTEGER:
        raise YamlStructureError(_line(node), f"'{str(node.value)[:40]}' is not a finite number in range "
                                 f"(at most {MAX_INTEGER:,})")
    return float(value)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as exc:
        raise YamlStructureError(_line(node), f"invalid date '{node.value}': {exc}") from None


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = yaml.SafeLoader.construct_yaml_str(loader, node)
    if found := _CONTROL.search(value):
        raise YamlStructureError(_line(node), f"control character U+{ord(found.group(0)):04X} in a text value: "
                                 "write plain text (it would print as a box or break the outline)")
    return str(value)


def _not_plain(loader: _Loader, node: yaml.Node) -> Any:
    raise YamlStructureError(_line(node), f"YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not plain "
                             "data: write a list or a mapping")


for _tag, _constructor in (("int", _construct_int), ("float", _construct_float), ("timestamp", _construct_timestamp),
                           ("str", _construct_str), ("set", _not_plain), ("omap", _not_plain),
                           ("pairs", _not_plain), ("binary", _not_plain)):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _constructor)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


_PARSED: Recent[tuple[Any, list[Problem]]] = Recent(256)
"""Files parsed in this process, by text, path and first line. A warm process (watch, preview)
re-reads every file on each edit; YAML with line numbers is parsed by pure-Python PyYAML."""


def parse_yaml(text: str, path: Path, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """Parse YAML text; lines are shifted so that the text's first line is `first_line`.

    Returns the data (None on error) and the problems found. The data is the caller's own (a
    copy when the same text was parsed before in this process), free to change.
    """
    key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest(), str(path), first_line)
    data, problems = _PARSED.get(key, lambda: _parse_yaml(text, path, first_line))
    return copy.deepcopy(data), list(problems)


def _parse_yaml(text: str, path: Path, first_line: int) -> tuple[Any, list[Problem]]:
    shift = first_line - 1
    try:
        loader = _Loader(text)
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except YamlStructureError as exc:
        return None, [Problem(path, exc.line + shift, exc.message.replace("{first}", str(exc.first + shift)))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + shift) if mark else first_line
        what = exc.problem or "invalid YAML"
        if "could not determine a constructor" in str(exc):
            what = f"YAML tag not allowed here ({what.split('tag ')[-1] if 'tag' in what else what})"
        return None, [Problem(path, line, f"invalid YAML: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, first_line, f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [Problem(path, first_line, "invalid YAML: nested too deeply")]
    _shift_lines(data, shift)
    return data, []


def _shift_lines(data: Any, shift: int, seen: set[int] | None = None) -> None:
    if not shift:
        return
    seen = set() if seen is None else seen
    if id(data) in seen:
        return
    seen.add(id(data))
    if isinstance(data, LineDict):
        data.line += shift
        data.key_lines = {k: v + shift for k, v in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, shift, seen)
    elif isinstance(data, LineList):
        data.line += shift
        data.item_lines = [v + shift for v in data.item_lines]
        for value in data:
            _shift_lines(value, shift, seen)


def line_of(data: Any, loc: tuple[Any, ...], default: int) -> int:
    """The line of the value at `loc` (a pydantic error location), or of its nearest parent."""
    line = getattr(data, "line", 0) or default
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line
