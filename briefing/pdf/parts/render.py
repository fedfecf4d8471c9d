"""Render the book part by part, in parallel processes, with a cache: the fast path of `render_pdf`.

    split the HTML into parts (front matter, chapters) ─ parts.py
      → lay out the parts whose page count is not cached, in parallel ─ render_pool.py, part_layout.py
      → page offsets and total; the front matter with the contents' page numbers
      → number and write each part's PDF (or take it from the cache) in parallel
      → assemble one PDF ─ assemble.py

Cache (`build/.cache/parts/` in the project): a part's page count and anchors are keyed by a
hash of its HTML, its first footnote number and everything it reads besides (stylesheets,
fonts, images, WeasyPrint and briefing versions); its PDF additionally by its first page
number and the book's page total. An edit to one chapter therefore lays out that chapter
only, unless its page count changes, which renumbers the chapters after it.

A process that built the same parts before (a warm `preview` or `watch`) guesses every page
count from that build and lays out and writes each part in one step, with no wait between the
phases and one layout of the front matter (`_speculate`); the real counts are checked after, and
a part numbered from a wrong guess is numbered again by the normal path.

`render_in_parts` returns None whenever it cannot promise the single pass's result (the HTML
or styles cannot be cut, a worker failed, a resource was refused, the contents changed length):
the caller then renders in one pass, which stays the reference.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefing.pdf.parts.assemble import PartPdf, assemble
from briefing.pdf.parts.cache import PartCache, environment_key
from briefing.pdf.parts.messages import Finished, Laid
from briefing.pdf.parts.pool import RenderPool, WorkerDiedError, close_shared_pool, shared_pool
from briefing.pdf.parts.schedule import AbandonError, Job, Run, front_first
from briefing.pdf.parts.split import (
    BookPart,
    SplitBook,
    css_allows_parts,
    split_book,
    style_texts,
    with_body,
    with_stubs,
)
from briefing.pdf.parts.zygote import WARM_BODY
from briefing.project.theme import Theme
from briefing.safety.fetch import SandboxPolicy


@dataclass(frozen=True)
class PartsResult:
    """The assembled book, and how it was made (for the layout report)."""

    data: bytes
    pages: int
    warnings: tuple[str, ...]
    laid_out: int
    """Layouts made in this build (parts from the cache need none)."""
    parts: int = 0
    dropped: int = 0
    """Parts laid out twice: over a worker's memory budget, dropped after their first layout."""
    workers: int = 0
    counted_from_cache: int = 0
    """Parts whose page count and anchors came from the cache (not laid out to be counted)."""
    pdfs_from_cache: int = 0
    """Parts whose numbered PDF came from the cache."""
    patches: dict[str, bool] = field(default_factory=dict)
    """Each WeasyPrint patch and whether it was in place in every layout of this build (empty: no layout)."""
    footnotes_reused: int = 0
    """Footnote layouts given back by the footnote cache in this build's layouts."""
    started: str = ""
    """How the workers started (forked from the zygote, or spawned)."""
    guessed: int = 0
    """Parts laid out and written in one step, numbered from the previous build's page counts, that
    needed no second writing (the guess held)."""


def render_in_parts(html: str, base_url: str, project_root: Path, theme: Theme, policy: SandboxPolicy,
                    pool: RenderPool | None = None, cache_dir: Path | None = None,
                    why: list[str] | None = None) -> PartsResult | None:
    """The book's PDF made part by part, or None when only a single pass can make it faithfully
    (the reason is appended to `why`, for the layout report)."""
    why = why if why is not None else []
    book = split_book(html)
    if book is None:
        why.append("the HTML cannot be cut into chapters")
        return None
    if not css_allows_parts(style_texts(theme.style_dirs)):
        why.append("the styles make a chapter's pages depend on where it starts (@page :left/:right/:first, "
                   "break-before: right, or chapters that do not start a page)")
        return None
    pool = pool or shared_pool()
    pool.warm(with_body(book, WARM_BODY), base_url, policy)  # the zygote loads the fonts once, then forks
    cache = PartCache(cache_dir or project_root / "build" / ".cache" / "parts",
                      environment_key(project_root, theme, policy))
    run = Run(pool)
    try:
        return _render(book, base_url, policy, cache, run, (str(project_root), *(part.name for part in book.parts)))
    except (AbandonError, WorkerDiedError) as exc:
        why.append(f"the parts path gave up: {exc}")
        if os.environ.get("BRIEFING_DEBUG"):
            raise
        try:
            pool.drop_all()
        except WorkerDiedError:
            close_shared_pool()  # a worker is gone: the next build starts new ones
        return None
    finally:
        cache.prune()


def _render(book: SplitBook, base_url: str, policy: SandboxPolicy, cache: PartCache, run: Run,
            hint_key: tuple[str, ...] = ()) -> PartsResult:
    front = book.parts[0]

    def layout(key: str, text: str, start: int, count: int, keep: bool = False) -> tuple[Any, ...]:
        return ("layout", key, text, base_url, policy, start, count, keep)

    keys = {part.index: cache.key("flow", part.html, part.footnote_start) for part in book.parts}
    info: dict[int, dict[str, Any]] = {}
    for part in book.parts:
        known = cache.info(keys[part.index])
        if known is not None:
            info[part.index] = known
    counted_from_cache, written = len(info), set()
    guess = _guess(book, info, hint_key)
    if guess is not None and len(info) < len(book.parts):
        written = _speculate(book, guess, keys, info, cache, run, base_url, policy)
    wave = [Job(keys[part.index], [layout(keys[part.index], part.html, part.footnote_start, part.footnotes)])
            for part in book.parts if part.index not in info]
    run.run(sorted(wave, key=lambda job: -len(job.steps[0][2])), "laying out", len(book.parts) - len(wave))
    for part in book.parts:
        if part.index not in info:
            laid = run.replies[keys[part.index]]
            assert isinstance(laid, Laid)
            info[part.index] = {"pages": laid.pages, "anchors": laid.anchors}
            cache.store_info(keys[part.index], info[part.index])
    held = {key for worker in run.pool.workers for key in worker.holds}

    offsets, total = _offsets(book, info)
    targets = _targets(front, book, info, offsets)
    stub_html, stubs = with_stubs(book, front, targets)
    front_key = cache.key("flow", stub_html, front.footnote_start)
    jobs: list[Job] = []
    finals: dict[int, str] = {}
    for part in book.parts:
        flow_key = front_key if part is front else keys[part.index]
        final = cache.key("pdf", flow_key, str(offsets[part.index]), str(total))
        finals[part.index] = final
        if cache.has_pdf(final):
            continue
        finish: tuple[Any, ...] = ("finish", flow_key, offsets[part.index], total, {})
        if part is front:
            jobs.append(Job(flow_key, [layout(flow_key, stub_html, 0, front.footnotes, keep=True), finish]))
        elif flow_key in held:
            holder = next(w for w in run.pool.workers if flow_key in w.holds)
            again = layout(flow_key, part.html, part.footnote_start, part.footnotes, keep=True)
            jobs.append(Job(flow_key, [finish], holder, again, len(part.html)))
        else:
            jobs.append(Job(flow_key, [layout(flow_key, part.html, part.footnote_start, part.footnotes, keep=True),
                                        finish]))
    for key in held - {job.key for job in jobs}:
        holder = next(w for w in run.pool.workers if key in w.holds)
        holder.submit(("drop", key))
        holder.busy = False
        holder.holds.discard(key)
    front_first(jobs, front_key, run.pool.workers, {keys[part.index]: len(part.html) for part in book.parts})
    run.run(jobs, "writing", len(book.parts) - len(jobs))
    front_done = run.replies.get(front_key)
    if isinstance(front_done, Finished) and front_done.pages - stubs != info[0]["pages"]:
        raise AbandonError("the contents changed length once page numbers were filled in")
    pdfs = []
    for part in book.parts:
        final = finals[part.index]
        flow_key = front_key if part is front else keys[part.index]
        done = run.replies.get(flow_key)
        if isinstance(done, Finished):
            cache.store_pdf(final, done.data)
        data = cache.pdf(final)
        pdfs.append(PartPdf(data, info[part.index]["pages"]))
    _remember(hint_key, book, info)
    ran = {job.key for job in jobs}
    guessed = sum(1 for part in book.parts if finals[part.index] in written
                  and (front_key if part is front else keys[part.index]) not in ran)
    return PartsResult(assemble(pdfs), total, tuple(dict.fromkeys(run.warnings)), run.laid_out, len(book.parts),
                       run.dropped, len(run.pool.workers), counted_from_cache, len(book.parts) - len(jobs) - guessed,
                       dict(run.patches), run.footnotes_reused, run.pool.describe_start(), guessed)


_HINTS: dict[tuple[str, ...], dict[str, dict[str, Any]]] = {}
"""The page count and anchors of every part of the books this process built last (by project and parts)."""


def _guess(book: SplitBook, info: dict[int, dict[str, Any]],
           hint_key: tuple[str, ...]) -> dict[int, dict[str, Any]] | None:
    """Every part's page count and anchors as known (the cache) or, for the parts not known, as they
    were when this process last built the same parts (a warm `preview` or `watch`); None without."""
    last = _HINTS.get(hint_key) if hint_key else None
    if last is None:
        return None
    guess = {}
    for part in book.parts:
        known = info.get(part.index) or last.get(part.name)
        if known is None:
            return None
        guess[part.index] = known
    return guess


def _remember(hint_key: tuple[str, ...], book: SplitBook, info: dict[int, dict[str, Any]]) -> None:
    if hint_key:
        _HINTS.pop(hint_key, None)
        _HINTS[hint_key] = {part.name: info[part.index] for part in book.parts}
        while len(_HINTS) > 16:
            del _HINTS[next(iter(_HINTS))]


def _speculate(book: SplitBook, guess: dict[int, dict[str, Any]], keys: dict[int, str], info: dict[int, dict[str, Any]],
               cache: PartCache, run: Run, base_url: str, policy: SandboxPolicy) -> set[str]:
    """Lay out and write, in one step per part and without waiting for the others, every part not
    known or not written, numbered as `guess` predicts (the previous build's page counts).

    Each part's real page count and anchors go into `info` and the cache, and each PDF into the
    cache under its own numbering, right or wrong: the normal path then finds every PDF it needs
    when the guess held (no second layout of the front matter, no wait between the phases), and
    numbers again only the parts that moved when it did not. Returns the keys of the PDFs written."""
    front = book.parts[0]
    offsets, total = _offsets(book, guess)
    stub_html, stubs = with_stubs(book, front, _targets(front, book, guess, offsets))
    front_key = cache.key("flow", stub_html, front.footnote_start)
    jobs, finals = [], {}
    for part in book.parts:
        flow_key = front_key if part is front else keys[part.index]
        finals[flow_key] = cache.key("pdf", flow_key, str(offsets[part.index]), str(total))
        if part.index in info and cache.has_pdf(finals[flow_key]):
            continue
        html = stub_html if part is front else part.html
        jobs.append(Job(flow_key, [("whole", flow_key, html, base_url, policy, part.footnote_start, part.footnotes,
                                    offsets[part.index], total, {})], size=len(html)))
    # the front matter first: its contents make it the slowest part for its size
    run.run(sorted(jobs, key=lambda job: (job.key != front_key, -job.size)), "laying out and writing",
            len(book.parts) - len(jobs))
    for part in book.parts:
        flow_key = front_key if part is front else keys[part.index]
        done = run.replies.pop(flow_key, None)  # numbered as guessed: never taken for another numbering
        if not isinstance(done, Finished) or done.laid is None:
            continue
        pages = done.laid.pages - (stubs if part is front else 0)
        if part.index not in info:
            anchors = {k: v for k, v in done.laid.anchors.items() if v < pages}
            info[part.index] = {"pages": pages, "anchors": anchors}
            cache.store_info(keys[part.index], info[part.index])
        elif info[part.index]["pages"] != pages:
            raise AbandonError("the contents changed length once page numbers were filled in")
        cache.store_pdf(finals[flow_key], done.data)
    return {finals[job.key] for job in jobs}


def _offsets(book: SplitBook, info: dict[int, dict[str, Any]]) -> tuple[dict[int, int], int]:
    offsets, before = {}, 0
    for part in book.parts:
        offsets[part.index] = before
        before += int(info[part.index]["pages"])
    return offsets, before


def _targets(front: BookPart, book: SplitBook, info: dict[int, dict[str, Any]],
             offsets: dict[int, int]) -> dict[str, int]:
    """Page numbers of the anchors the front matter links to."""
    found: dict[str, int] = {}
    for target in sorted(front.links_out):
        for part in book.parts[1:]:
            page = info[part.index]["anchors"].get(target)
            if page is not None:
                found[target] = offsets[part.index] + int(page) + 1
                break
    return found

