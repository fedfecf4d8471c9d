#!/usr/bin/env python3
"""Measure copying: the longest run of words a content file shares with an archived source.

The house rule for the default briefing is "no run of 8 or more words copied unquoted from a
source". This script reads every `content/*.md` and each archived source text, normalises both
to lower-case words (citation brackets, span attributes and Markdown punctuation dropped), and
reports, for each pair, the longest common run of words and every run at or above the limit.
Text inside quotation marks ("…" or “…”) is a quotation, not copying: it breaks a run.

Usage, from the repository root::

    python3 scripts/copy_runs.py ARCHIVE_DIR            # table of longest runs
    python3 scripts/copy_runs.py ARCHIVE_DIR --limit 8  # exit 1 if any run reaches 8

ARCHIVE_DIR is the folder of archived source texts, the one `briefing check --archive` reads
(each reference's `archive-file` names its text there).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

_CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]|\[\^[^\]]*\]:?")
_ATTRS = re.compile(r"\{[^}\n]*\}")
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+")
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_BREAK = "\x00"


def words(text: str, *, drop_quotes: bool) -> list[str]:
    """Lower-case words of `text`; a quotation (when `drop_quotes`) becomes a run breaker."""
    text = _CITATION.sub(f" {_BREAK} ", text)
    text = _ATTRS.sub(" ", text)
    text = _URL.sub(f" {_BREAK} ", text)  # an address is not prose
    if drop_quotes:
        text = _QUOTED.sub(f" {_BREAK} ", text)
    found: list[str] = []
    for token in re.split(r"\s+", text.lower().replace("’", "'")):
        if token == _BREAK:
            found.append(_BREAK)
            continue
        found.extend(_WORD.findall(token.replace("-", " ").replace("–", " ")) if "-" in token or "–" in token
                     else _WORD.findall(token))
    return found


def runs(content: list[str], source: list[str], limit: int) -> tuple[int, str, list[str]]:
    """(longest common run, its words, every maximal run of at least `limit` words)."""
    index: dict[tuple[str, str], list[int]] = {}
    for j in range(len(source) - 1):
        index.setdefault((source[j], source[j + 1]), []).append(j)
    best, best_text, long_runs = 0, "", []
    i = 0
    while i < len(content) - 1:
        longest = 0
        for j in index.get((content[i], content[i + 1]), ()):
            k = 0
            while (i + k < len(content) and j + k < len(source) and content[i + k] == source[j + k]
                   and content[i + k] != _BREAK):
                k += 1
            longest = max(longest, k)
        if longest > best:
            best, best_text = longest, " ".join(content[i:i + longest])
        if longest >= limit:
            long_runs.append(" ".join(content[i:i + longest]))
            i += longest
        else:
            i += 1
    return best, best_text, long_runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path, help="folder of the archived source texts (*.txt)")
    parser.add_argument("--content", type=Path, default=Path("content"), help="folder of the section files")
    parser.add_argument("--limit", type=int, default=8, help="a run of this many words is copying")
    parser.add_argument("--keep-quotes", action="store_true", help="count quoted text as copying too")
    args = parser.parse_args()
    sources = {p.name: words(p.read_text("utf-8"), drop_quotes=False) for p in sorted(args.archive.glob("*.txt"))}
    files = sorted(args.content.glob("*.md")) + sorted(args.content.glob("*.yaml"))
    over = 0
    print(f"{'file':28} " + " ".join(f"{name[:14]:>14}" for name in sources) + "  longest run")
    for path in files:
        content = words(path.read_text("utf-8"), drop_quotes=not args.keep_quotes)
        row, worst = [], (0, "")
        for name, source in sources.items():
            best, text, long_runs = runs(content, source, args.limit)
            row.append(best)
            worst = max(worst, (best, text))
            for run in long_runs:
                over += 1
                print(f"  {path.name} ~ {name}: {len(run.split())} words: {run}", file=sys.stderr)
        print(f"{path.name:28} " + " ".join(f"{n:>14}" for n in row) + f"  {worst[0]}: {worst[1]}")
    print(f"runs of {args.limit}+ words: {over}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
