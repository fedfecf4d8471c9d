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

`render_in_parts` returns None whenever it cannot promise the single pass's result (the HTML
or styles cannot be cut, a worker failed, a resource was refused, the contents changed length):
the caller then renders in one pass, which stays the reference.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assemble import PartPdf, assemble
from .fetch import SandboxPolicy
from .parts import Part, SplitBook, css_allows_parts, split_book, style_texts, with_stubs
from .render_pool import RenderPool, Worker, WorkerDiedError, close_shared_pool, shared_pool
from .sealed import bypassed, read_json, seal_bytes, seal_json, unseal_bytes
from .theme import Theme

CACHE_KEEP = 400
"""Cache files kept (the most recently used); older ones are removed after a build."""


class _AbandonError(Exception):
    """Stop the parts path; the caller renders in one pass."""


@dataclass(frozen=True)
class PartsResult:
    """The assembled book."""

    data: bytes
    pages: int
    warnings: tuple[str, ...]
    laid_out: int
    """Layouts made in this build (parts from the cache need none)."""
    parts: int = 0
    dropped: int = 0
    """Parts laid out twice: over a worker's memory budget, dropped after their first layout."""

    workers: int = 0

    def describe(self) -> str:
        """For `--verbose`: how many parts, processes and layouts this build took."""
        again = f" ({self.dropped} laid out twice, to stay within the workers' memory budget)" if self.dropped else ""
        return f"{self.parts} parts in {self.workers} worker processes, {self.laid_out} layouts{again}"


@dataclass
class _Job:
    key: str
    steps: list[tuple[Any, ...]]
    worker: Worker | None = None


@dataclass
class _Run:
    pool: RenderPool
    replies: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    laid_out: int = 0
    dropped: int = 0

    def run(self, jobs: list[_Job]) -> None:
        """Run every job's steps, each job on one worker, as many at once as there are workers."""
        waiting = list(jobs)
        active: dict[Worker, _Job] = {}
        while waiting or active:
            for worker in self.pool.idle():
                job = next((j for j in waiting if j.worker is worker), None)
                job = job or next((j for j in waiting if j.worker is None), None)
                if job is None:
                    continue
                waiting.remove(job)
                job.worker = worker
                step = job.steps.pop(0)
                worker.submit(step)
                if step[0] == "layout":
                    worker.holds.add(step[1])
                    self.laid_out += 1
                active[worker] = job
            if not active:
                if waiting:
                    self.pool.next_reply(120)  # a worker still starting up
                continue
            worker, reply = self.pool.next_reply(600)
            if reply[0] == "ready":
                continue
            job = active.pop(worker)
            if reply[0] == "error" or (reply[0] in ("laid", "pdf") and reply[5 if reply[0] == "laid" else 3]):
                raise _AbandonError(str(reply[2]) if reply[0] == "error" else f"a resource was refused: {reply}"[:2000])
            if reply[0] == "pdf":
                worker.holds.discard(reply[1])
            elif reply[0] == "laid" and not reply[6]:
                worker.holds.discard(reply[1])  # over its memory budget: laid out again when finished
                self.dropped += 1
            self.warnings += reply[4]
            self.replies[reply[1]] = reply
            if job.steps:
                waiting.insert(0, job)


def render_in_parts(html: str, base_url: str, project_root: Path, theme: Theme, policy: SandboxPolicy,
                    pool: RenderPool | None = None, cache_dir: Path | None = None) -> PartsResult | None:
    """The book's PDF made part by part, or None when only a single pass can make it faithfully."""
    book = split_book(html)
    if book is None or not css_allows_parts(style_texts(theme.style_dirs)):
        return None
    pool = pool or shared_pool()
    cache = _Cache(cache_dir or project_root / "build" / ".cache" / "parts", _environment(project_root, theme, policy))
    run = _Run(pool)
    try:
        return _render(book, base_url, policy, cache, run)
    except (_AbandonError, WorkerDiedError):
        if os.environ.get("BRIEFING_DEBUG"):
            raise
        try:
            pool.drop_all()
        except WorkerDiedError:
            close_shared_pool()  # a worker is gone: the next build starts new ones
        return None
    finally:
        cache.prune()


def _render(book: SplitBook, base_url: str, policy: SandboxPolicy, cache: _Cache, run: _Run) -> PartsResult:
    front = book.parts[0]

    def layout(key: str, text: str, start: int, count: int, keep: bool = False) -> tuple[Any, ...]:
        return ("layout", key, text, base_url, policy, start, count, keep)

    keys = {part.index: cache.key("flow", part.html, part.footnote_start) for part in book.parts}
    info: dict[int, dict[str, Any]] = {}
    wave: list[_Job] = []
    for part in book.parts:
        known = cache.info(keys[part.index])
        if known is not None:
            info[part.index] = known
        else:
            wave.append(_Job(keys[part.index], [layout(keys[part.index], part.html, part.footnote_start,
                                                       part.footnotes)]))
    run.run(sorted(wave, key=lambda job: -len(job.steps[0][2])))
    for part in book.parts:
        if part.index not in info:
            reply = run.replies[keys[part.index]]
            info[part.index] = {"pages": reply[2], "anchors": reply[3]}
            cache.store_info(keys[part.index], info[part.index])
    held = {key for worker in run.pool.workers for key in worker.holds}

    offsets, total = _offsets(book, info)
    targets = _targets(front, book, info, offsets)
    stub_html, stubs = with_stubs(book, front, targets)
    front_key = cache.key("flow", stub_html, front.footnote_start)
    jobs: list[_Job] = []
    finals: dict[int, str] = {}
    for part in book.parts:
        flow_key = front_key if part is front else keys[part.index]
        final = cache.key("pdf", flow_key, str(offsets[part.index]), str(total))
        finals[part.index] = final
        if cache.has_pdf(final):
            continue
        finish: tuple[Any, ...] = ("finish", flow_key, offsets[part.index], total, {})
        if part is front:
            jobs.append(_Job(flow_key, [layout(flow_key, stub_html, 0, front.footnotes, keep=True), finish]))
        elif flow_key in held:
            holder = next(w for w in run.pool.workers if flow_key in w.holds)
            jobs.append(_Job(flow_key, [finish], holder))
        else:
            jobs.append(_Job(flow_key, [layout(flow_key, part.html, part.footnote_start, part.footnotes, keep=True),
                                        finish]))
    for key in held - {job.key for job in jobs}:
        holder = next(w for w in run.pool.workers if key in w.holds)
        holder.submit(("drop", key))
        holder.busy = False
        holder.holds.discard(key)
    run.run(jobs)
    if front_key in run.replies:
        pages_with_stubs = _pdf_pages(run.replies[front_key][2])
        if pages_with_stubs - stubs != info[0]["pages"]:
            raise _AbandonError("the contents changed length once page numbers were filled in")
    pdfs = []
    for part in book.parts:
        final = finals[part.index]
        flow_key = front_key if part is front else keys[part.index]
        done = run.replies.get(flow_key)
        if done is not None and done[0] == "pdf":
            cache.store_pdf(final, done[2])
        data = cache.pdf(final)
        pdfs.append(PartPdf(data, info[part.index]["pages"]))
    return PartsResult(assemble(pdfs), total, tuple(dict.fromkeys(run.warnings)), run.laid_out, len(book.parts),
                       run.dropped, len(run.pool.workers))


def _offsets(book: SplitBook, info: dict[int, dict[str, Any]]) -> tuple[dict[int, int], int]:
    offsets, before = {}, 0
    for part in book.parts:
        offsets[part.index] = before
        before += int(info[part.index]["pages"])
    return offsets, before


def _targets(front: Part, book: SplitBook, info: dict[int, dict[str, Any]], offsets: dict[int, int]) -> dict[str, int]:
    """Page numbers of the anchors the front matter links to."""
    found: dict[str, int] = {}
    for target in sorted(front.links_out):
        for part in book.parts[1:]:
            page = info[part.index]["anchors"].get(target)
            if page is not None:
                found[target] = offsets[part.index] + int(page) + 1
                break
    return found


def _pdf_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _environment(project_root: Path, theme: Theme, policy: SandboxPolicy) -> str:
    """Everything a part's layout reads besides its HTML: styles, fonts, images, tool versions, policy."""
    from . import __version__
    from .cache import _hash_tree, _libraries

    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{__version__};{_libraries()}".encode())
    here = Path(__file__).resolve().parent
    for name in ("parts.py", "part_layout.py", "footnote_cache.py", "assemble.py", "render_parts.py", "fetch.py"):
        source = here / name
        if source.is_file():
            digest.update(source.read_bytes())
    counter = [0, 0]
    for index, folder in enumerate(theme.style_dirs):
        _hash_tree(digest, str(folder), f"<style{index}>/", set(), counter)
    _hash_tree(digest, str(project_root), "<project>/", set(), counter, skip_suffixes=(".md",))
    digest.update(pickle.dumps(policy, protocol=4))
    return digest.hexdigest()


class _Cache:
    """Part page counts (JSON) and part PDFs, by content hash."""

    def __init__(self, folder: Path, environment: str) -> None:
        self.folder = folder
        self.environment = environment
        self._checked: dict[str, bytes] = {}
        """Part PDFs read (seal verified) or made in this build."""

    def key(self, kind: str, *pieces: str | int) -> str:
        digest = hashlib.blake2b(digest_size=20)
        digest.update(f"{kind}\0{self.environment}".encode())
        for piece in pieces:
            digest.update(b"\0" + str(piece).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def info(self, key: str) -> dict[str, Any] | None:
        found = read_json(self.folder / f"{key}.json")
        if found is None or not isinstance(found.get("pages"), int) or not isinstance(found.get("anchors"), dict):
            return None
        return found

    def store_info(self, key: str, value: dict[str, Any]) -> None:
        self._write(self.folder / f"{key}.json", seal_json(value).encode())

    def has_pdf(self, key: str) -> bool:
        """A stored part PDF whose seal matches (checked now, kept for `pdf`); --force: never."""
        if key in self._checked:
            return True
        path = self.folder / f"{key}.pdf"
        if bypassed() or not path.is_file():
            return False
        try:
            data = unseal_bytes(path.read_bytes(), path)
        except OSError:
            return False
        if data is None or not data.startswith(b"%PDF-"):
            return False
        self._checked[key] = data
        return True

    def pdf(self, key: str) -> bytes:
        if key in self._checked:
            with contextlib.suppress(OSError):
                os.utime(self.folder / f"{key}.pdf")  # recently used: kept by `prune`
            return self._checked[key]
        raise KeyError(key)

    def store_pdf(self, key: str, data: bytes) -> None:
        self._checked[key] = data
        self._write(self.folder / f"{key}.pdf", seal_bytes(data))

    def _write(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(path.name + f".{os.getpid()}.part")
            temp.write_bytes(data)
            os.replace(temp, path)
        except OSError:
            return

    def prune(self) -> None:
        """Keep the most recently used files only."""
        try:
            files = sorted(self.folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for stale in files[CACHE_KEEP:]:
            stale.unlink(missing_ok=True)


def render_mode() -> str:
    """`BRIEFING_RENDER`: `single` (one pass), `parts` (part by part), or `auto` (the default)."""
    mode = os.environ.get("BRIEFING_RENDER", "auto").strip().lower()
    return mode if mode in ("single", "parts") else "auto"


def parts_enabled() -> bool:
    """Whether the parts path may be used at all (`BRIEFING_RENDER=single` turns it off)."""
    return render_mode() != "single"


def parts_worthwhile(project_root: Path | None) -> bool:
    """`auto` lays out part by part when that is faster: parts are cached from an earlier build
    (only changed chapters are laid out), or the machine has a spare core for the workers.
    On a busy machine a cold build in one pass costs less (the workers' start-up is paid for
    nothing), and both give the same PDF."""
    mode = render_mode()
    if mode != "auto":
        return mode == "parts"
    if _POOL_STARTED or _BUILDS_STARTED > 1:  # a warm process (watch, preview): caching pays from now on
        return True
    cache = project_root / "build" / ".cache" / "parts" if project_root is not None else None
    if cache is not None and cache.is_dir() and any(cache.iterdir()):
        return True
    try:
        cores = len(os.sched_getaffinity(0))
        return cores >= 2 and cores - _busy_cores() >= 1
    except (AttributeError, OSError, ValueError):
        return False


def _busy_cores() -> int:
    """Processes running elsewhere right now (besides this one), from /proc/loadavg's runnable count.

    The load averages would lag: right after a parallel build they still count its workers."""
    with open("/proc/loadavg", encoding="ascii") as stream:
        runnable = int(stream.read().split()[3].split("/")[0])
    return max(0, runnable - 1)


_POOL_STARTED = False
_BUILDS_STARTED = 0


def start_workers(project_root: Path | None = None) -> None:
    """Start the worker processes now, so they import WeasyPrint while the caller prepares the HTML."""
    global _POOL_STARTED, _BUILDS_STARTED
    _BUILDS_STARTED += 1
    if parts_worthwhile(project_root):
        shared_pool()
        _POOL_STARTED = True


def render_book_pdf(html: str, base_url: str, project_root: Path, theme: Theme, *,
                    pdf_variant: str | None = None, created: Any = None,
                    source_lines: dict[str, tuple[Path, int]] | None = None,
                    policy: SandboxPolicy | None = None) -> Any:
    """`render_pdf` with the same arguments and result, through the parts path where it applies.

    Tagged or PDF/A variants, and anything `render_in_parts` declines, go through `render_pdf`,
    the single pass that stays the reference."""
    from .render_pdf import RenderedPdf, render_pdf

    if pdf_variant is None and parts_worthwhile(project_root):
        result = render_in_parts(html, base_url, project_root, theme, policy or SandboxPolicy(project_root, theme))
        if result is not None:
            return RenderedPdf(result.data, result.pages, result.warnings, result.describe())
    return render_pdf(html, base_url, project_root, theme, pdf_variant=pdf_variant, created=created,
                      source_lines=source_lines, policy=policy)
