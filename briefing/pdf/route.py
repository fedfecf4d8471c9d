"""Which path lays the pages out, and a report of it: the observable side of the speed machinery.

Two paths give the same pages: one WeasyPrint pass (`render_pdf`, the reference), or part by
part in worker processes with a cache (`render_parts`). `render_book_pdf` picks one, and
every build says which and why in a `LayoutReport`: `briefing --verbose build` prints it,
and `BRIEFING_LAYOUT_REPORT=FILE` writes it as JSON (the tests read it), with the parts
laid out and taken from the cache and whether each WeasyPrint patch was in place.

The parts path relies on WeasyPrint's internals, so it runs only with the pinned release
(`PINNED_WEASYPRINT`, as in pyproject.toml): another version is refused with a message,
never silently degraded (`BRIEFING_RENDER=parts` then fails; `auto` says it took one pass).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.errors import Problem, UserError
from briefing.pdf.parts.forked import start_method
from briefing.pdf.parts.pool import inside_worker, shared_pool

if TYPE_CHECKING:  # only named here: a build starts the workers before the project's models are imported
    from briefing.pdf.render_pdf import RenderedPdf
    from briefing.project.theme import Theme
    from briefing.safety.fetch import SandboxPolicy

PINNED_WEASYPRINT = "70.0"
"""The WeasyPrint release whose internals `part_layout` and `footnote_cache` patch."""
REPORT_ENV = "BRIEFING_LAYOUT_REPORT"


@dataclass(frozen=True)
class LayoutReport:
    """How one build laid its pages out."""

    path: str
    """'parts' or 'single'."""
    reason: str = ""
    """Why one pass was used (empty for the parts path)."""
    parts: int = 0
    counted_from_cache: int = 0
    """Parts whose page count came from the cache."""
    pdfs_from_cache: int = 0
    """Parts whose numbered PDF came from the cache."""
    layouts: int = 0
    laid_out_twice: int = 0
    workers: int = 0
    patches: dict[str, bool] = field(default_factory=dict)
    """Each WeasyPrint patch of the parts path and whether it was in place in every layout."""
    footnotes_reused: int = 0
    weasyprint: str = ""
    workers_started: str = ""
    """'forked from a warm zygote' or 'spawned interpreters' (parts path only)."""
    numbered_as_guessed: int = 0
    """Parts laid out and written at once, numbered as the previous build's page counts predicted."""

    def describe(self) -> str:
        """One line for `--verbose`."""
        if self.path != "parts":
            return f"one WeasyPrint pass ({self.reason})" if self.reason else "one WeasyPrint pass"
        again = f" ({self.laid_out_twice} laid out twice, to stay within the workers' memory budget)" \
            if self.laid_out_twice else ""
        patches = ", ".join(f"{name} {'on' if on else 'OFF'}" for name, on in sorted(self.patches.items()))
        return (f"{self.parts} parts in {self.workers} worker processes, {self.layouts} layouts{again}; "
                f"from the cache: {self.counted_from_cache} page counts, {self.pdfs_from_cache} part PDFs; "
                f"patches: {patches or 'none used (nothing laid out)'}; "
                f"{self.footnotes_reused} footnote layouts reused; workers {self.workers_started}"
                + (f"; {self.numbered_as_guessed} parts numbered as the previous build predicted"
                   if self.numbered_as_guessed else ""))


def render_mode() -> str:
    """`BRIEFING_RENDER`: `single` (one pass), `parts` (part by part), or `auto` (the default)."""
    mode = os.environ.get("BRIEFING_RENDER", "auto").strip().lower()
    return mode if mode in ("single", "parts") else "auto"


def weasyprint_version() -> str:
    """The installed WeasyPrint's version, from its package metadata: the parent of the parts path
    never imports WeasyPrint itself (about 1.5 s of CPU a cold build would spend on its critical
    path; the workers and the zygote import it)."""
    import sys
    from importlib.metadata import PackageNotFoundError, version

    module = sys.modules.get("weasyprint")
    if module is not None:  # already imported here (one pass, a release): the module says
        return str(getattr(module, "__version__", "?"))
    try:
        return version("weasyprint")
    except PackageNotFoundError:
        import weasyprint  # not installed as a distribution (a source checkout): ask the module

        return str(getattr(weasyprint, "__version__", "?"))


def weasyprint_refusal() -> str:
    """Why the installed WeasyPrint cannot take the parts path ('' when it is the pinned one)."""
    installed = weasyprint_version()
    if installed == PINNED_WEASYPRINT:
        return ""
    return (f"the parts path relies on WeasyPrint {PINNED_WEASYPRINT}'s internals and WeasyPrint {installed} is "
            f"installed (pip install weasyprint=={PINNED_WEASYPRINT}, or BRIEFING_RENDER=single)")


def parts_worthwhile(project_root: Path | None) -> tuple[bool, str]:
    """Whether to lay out part by part, and if not, why.

    `auto` does when that is faster: parts are cached from an earlier build (only changed
    chapters are laid out), or the machine has a spare core for the workers, or the workers are
    forked from the zygote (Linux: WeasyPrint is imported once, as one pass imports it, so even
    a busy machine's share of two cores beats one). Where workers must be spawned, a cold build
    on a busy machine costs less in one pass (each worker's start-up is paid for nothing).
    Both give the same PDF."""
    mode = render_mode()
    if mode != "auto":
        return mode == "parts", "BRIEFING_RENDER=single"
    if _STATE["pool_started"] or _STATE["builds"] > 1:  # a warm process (watch, preview): caching pays from now on
        return True, ""
    cache = project_root / "build" / ".cache" / "parts" if project_root is not None else None
    if cache is not None and cache.is_dir() and any(cache.iterdir()):
        return True, ""
    try:
        cores = len(os.sched_getaffinity(0))
        forked = start_method() == "fork" and not inside_worker()  # a release's editions already use the cores
        if cores >= 2 and (forked or cores - _busy_cores() >= 1):
            return True, ""
    except (AttributeError, OSError, ValueError):
        pass
    return False, "auto: a cold build on a busy machine, where one pass is faster"


def _busy_cores() -> int:
    """Processes running elsewhere right now (besides this one), from /proc/loadavg's runnable count.

    The load averages would lag: right after a parallel build they still count its workers."""
    with open("/proc/loadavg", encoding="ascii") as stream:
        runnable = int(stream.read().split()[3].split("/")[0])
    return max(0, runnable - 1)


_STATE = {"pool_started": False, "builds": 0}


def start_workers(project_root: Path | None = None, *, count: bool = True) -> None:
    """Start the worker processes now, so they import WeasyPrint while the caller prepares the HTML.

    `briefing build` calls it with `count=False` as soon as it knows it will lay a PDF out,
    before it imports the pipeline; the build itself then calls it again (and counts the build)."""
    from briefing.pdf.reproducible import isolate_fonts

    isolate_fonts()  # fonts come from the tool, never the machine: before WeasyPrint loads anywhere
    _STATE["builds"] += 1 if count else 0
    if parts_worthwhile(project_root)[0]:
        shared_pool()
        _STATE["pool_started"] = True


def workers_cold() -> bool:
    """Whether this build started workers that have not been forked yet (and so can be warmed)."""
    return bool(_STATE["pool_started"]) and shared_pool().cold


def warm_workers(document: str, base_url: str, policy: SandboxPolicy) -> None:
    """When this build's workers are being started: have them parse the stylesheets and load the
    fonts of `document` (the book's head around `WARM_BODY`) before they are forked."""
    if workers_cold():
        shared_pool().warm(document, base_url, policy)


def render_book_pdf(html: str, base_url: str, project_root: Path, theme: Theme, *,
                    pdf_variant: str | None = None, created: Any = None,
                    source_lines: dict[str, tuple[Path, int]] | None = None,
                    policy: SandboxPolicy) -> RenderedPdf:
    """`render_pdf` with the same arguments and result, through the parts path where it applies.

    Tagged or PDF/A variants, and anything `render_in_parts` declines, go through `render_pdf`,
    the single pass that stays the reference. The result's `report` says which path was taken."""
    import dataclasses

    from briefing.pdf.parts.render import render_in_parts
    from briefing.pdf.render_pdf import render_pdf

    worthwhile, reason = parts_worthwhile(project_root)
    if pdf_variant is not None:
        reason = f"a {pdf_variant} PDF is always made in one pass"
    elif render_mode() != "single" and (refusal := weasyprint_refusal()):
        if render_mode() == "parts":
            raise UserError([Problem(project_root, 0, f"BRIEFING_RENDER=parts: {refusal}")])
        reason = refusal
    elif worthwhile:
        why: list[str] = []
        result = render_in_parts(html, base_url, project_root, theme, policy, why=why)
        if result is not None:
            report = LayoutReport("parts", "", result.parts, result.counted_from_cache, result.pdfs_from_cache,
                                  result.laid_out, result.dropped, result.workers, result.patches,
                                  result.footnotes_reused, weasyprint_version(), result.started, result.guessed)
            return _reported(_rendered(result.data, result.pages, result.warnings, report), report)
        reason = "; ".join(why) or "the parts path declined"
    pdf = render_pdf(html, base_url, project_root, theme, pdf_variant=pdf_variant, created=created,
                     source_lines=source_lines, policy=policy)
    report = LayoutReport("single", reason, weasyprint=weasyprint_version())
    return _reported(dataclasses.replace(pdf, layout=report.describe()), report)


def _rendered(data: bytes, pages: int, warnings: tuple[str, ...], report: LayoutReport) -> RenderedPdf:
    from briefing.pdf.render_pdf import RenderedPdf

    return RenderedPdf(data, pages, warnings, report.describe())


def _reported(pdf: RenderedPdf, report: LayoutReport) -> RenderedPdf:
    """Write the report where `BRIEFING_LAYOUT_REPORT` asks (best effort: a report never fails a build)."""
    target = os.environ.get(REPORT_ENV, "").strip()
    if target:
        with contextlib.suppress(OSError):
            Path(target).write_text(json.dumps(asdict(report), indent=1, sort_keys=True), "utf-8")
    return pdf
