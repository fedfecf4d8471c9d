"""`briefing release`: every edition, reproducibly, with a manifest and checksums.

The same stages as a build, run once per edition after one `prepare`:

    prepare (load, validate, resolve citations) → for each edition:
      select edition → render HTML (+ "Changes since" appendix) → render PDF → (in memory)
    → write the PDFs, manifest.json and SHA256SUMS

Every edition is selected and rendered to HTML (and, for tagged variants, checked for
figures without alt text) before the first PDF is laid out, so one run reports every problem.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.book.editions import Book, select_edition
from briefing.book.render_html import RenderOptions
from briefing.cache.inputs import Inputs, collect_inputs, git_pathspecs
from briefing.errors import Problem, ProblemCollector, UserError
from briefing.pdf.accessibility import TAGGED_VARIANTS, missing_alt_text
from briefing.pdf.parts.pool import default_jobs, run_calls, shared_pool
from briefing.pipeline import lay_out, prepare, render_book, source_lines
from briefing.project.models import Project
from briefing.project.theme import Theme, load_theme
from briefing.release.changes import Changes, compare_snapshots, snapshot_book, snapshot_json
from briefing.release.manifest import MANIFEST_NAME, manifest_json, merge_shards, read_shard, write_release
from briefing.safety.leakproof import find_leaks
from briefing.write import output_in


@dataclass(frozen=True)
class Shard:
    """Shard `index` of `count` (1-based): a contiguous slice of the sorted edition list."""

    index: int
    count: int

    def pick(self, names: Sequence[str]) -> list[str]:
        """This shard's editions: the `index`-th of `count` near-equal contiguous slices."""
        ordered = sorted(names)
        start = (self.index - 1) * len(ordered) // self.count
        end = self.index * len(ordered) // self.count
        return ordered[start:end]

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """`I/N` with 1 ≤ I ≤ N; raises ValueError with a message for the person at the terminal."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ValueError(f"'{text}' is not I/N with 1 ≤ I ≤ N (for example 2/4)")
    return Shard(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class ReleaseRequest:
    """What the user asked `briefing release` for."""

    project_dir: Path
    out: Path | None = None
    editions: tuple[str, ...] = ()
    shard: Shard | None = None
    since: str | None = None
    pdf_variant: str | None = None


@dataclass(frozen=True)
class EditionResult:
    """One released edition, as the progress line reports it."""

    name: str
    file: str
    pages: int
    seconds: float
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReleaseResult:
    """What a release (or a merge) wrote."""

    out: Path
    editions: tuple[EditionResult, ...]
    planned: tuple[str, ...]
    """Every edition of the run (all shards)."""
    seconds: float
    written: tuple[Path, ...]


@dataclass(frozen=True)
class _Planned:
    book: Book
    html: str
    variant: str | None
    record: dict[str, Any]


def project_slug(project: Project) -> str:
    """The file-name stem of a project: its title, lower-cased ASCII words joined by hyphens.

    The title, not the folder name, so that the names do not depend on where it is checked out.
    """
    dashed = re.sub(r"[^\w]+", "-", project.config.title)
    folded = unicodedata.normalize("NFKD", dashed).encode("ascii", "ignore").decode()
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "", folded.lower())).strip("-") or "briefing"


def release_file_name(project: Project, edition: str) -> str:
    """`<project>-<edition>-<version>.pdf`."""
    version = re.sub(r"[^A-Za-z0-9._+-]+", "-", project.config.version).strip("-.") or "draft"
    return f"{project_slug(project)}-{edition}-{version}.pdf"


def release(request: ReleaseRequest, on_edition: Callable[[EditionResult], None] | None = None) -> ReleaseResult:
    """Build the requested editions (of this shard) and write them with manifest.json and SHA256SUMS."""
    from briefing.pdf.reproducible import isolate_fonts, pinned_environment
    from briefing.project.source_date import source_date

    started = time.perf_counter()
    isolate_fonts()
    problems = ProblemCollector()  # citation problems are reported with every edition's own
    project, _ = prepare(request.project_dir, problems)
    if request.out is None:
        output_in(project.root / "dist", MANIFEST_NAME, project.root)  # dist/ may not be a link leading out
    output_in(project.root / "build", MANIFEST_NAME, project.root)  # nor build/, where the caches go
    theme = load_theme(project)
    planned_names = _planned_editions(project, request.editions)
    names = request.shard.pick(planned_names) if request.shard else planned_names
    date = source_date(project)
    earlier = None
    if request.since:
        from briefing.release.since import load_earlier_state

        earlier = load_earlier_state(request.since, project.root)
    pdfs: dict[str, bytes] = {}
    records = []
    with pinned_environment(date) as epoch:
        parallel = len(names) > 1 and default_jobs() > 1
        if parallel:
            shared_pool(preload=("briefing.release.run",))  # workers start (pinned environment) while HTML is prepared
        plans = _plan(project, theme, names, date, request.pdf_variant, earlier, problems)
        if parallel and len(plans) > 1:
            # One edition per worker process at a time; progress is reported in the editions'
            # order, each line as soon as that edition and those before it have ended.
            ended: dict[int, EditionResult] = {}
            reported: list[EditionResult] = []

            def done(index: int, value: tuple[EditionResult, bytes]) -> None:
                ended[index] = value[0]
                while on_edition and len(reported) in ended:
                    reported.append(ended[len(reported)])
                    on_edition(reported[-1])

            rendered = run_calls([("briefing.release.run:render_edition", (plan, project, theme), {}) for plan in plans],
                                 on_result=done)
        else:
            rendered = []
            for plan in plans:
                rendered.append(render_edition(plan, project, theme))
                if on_edition:
                    on_edition(rendered[-1][0])
        results = [result for result, _ in rendered]
        leaks = [leak for plan, (_, data) in zip(plans, rendered, strict=True) for leak in find_leaks(plan.book, data)]
        if leaks:  # nothing above an edition's level in what it prints, or no release at all
            raise UserError(leaks)
        for plan, (result, data) in zip(plans, rendered, strict=True):
            pdfs[result.file] = data
            records.append({**plan.record, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                            "pages": result.pages})
        run = _run_record(project, theme, planned_names, date, epoch, request, earlier)
    manifest = manifest_json(_project_record(project), run, records, str(request.shard) if request.shard else None)
    out = request.out or project.root / "dist"
    if request.out is None:
        output_in(out, MANIFEST_NAME, project.root)  # the project's dist/ may not be a link leading out
    written = write_release(out, pdfs, manifest)
    return ReleaseResult(out, tuple(results), tuple(planned_names), time.perf_counter() - started, tuple(written))


def merge_release(manifests: Sequence[Path], out: Path) -> ReleaseResult:
    """Merge shard manifests (PDFs beside each) into one release in `out`, as an unsharded run writes it."""
    started = time.perf_counter()
    manifest, pdfs = merge_shards([read_shard(path) for path in manifests], out)
    written = write_release(out, pdfs, manifest)
    results = tuple(EditionResult(e["name"], e["file"], int(e["pages"]), 0.0) for e in manifest["editions"])
    return ReleaseResult(out, results, tuple(manifest["run"]["editions"]), time.perf_counter() - started,
                         tuple(written))


def _planned_editions(project: Project, asked: Sequence[str]) -> list[str]:
    known = list(project.editions) or ["full"]
    unknown = [name for name in asked if name not in known]
    if unknown:
        where = project.editions_path or project.root
        raise UserError([Problem(where, 0, f"--edition names an unknown edition '{name}' (known: {', '.join(known)})")
                         for name in unknown])
    return sorted(set(asked) if asked else known)


def _plan(project: Project, theme: Theme, names: Sequence[str], date: dt.datetime, variant_override: str | None,
          earlier: Any, problems: ProblemCollector) -> list[_Planned]:
    """Select and render every edition to HTML, collecting every problem before any PDF is made."""
    plans = []
    for name in names:
        changes: Changes | None = None
        if earlier is not None:
            try:
                snapshot = snapshot_book(select_edition(project, name))
            except UserError:
                snapshot = None  # render_book reports why the edition cannot be selected
            if snapshot is not None:
                changes = compare_snapshots(earlier.snapshot_of(name), snapshot, earlier.label)
        made = render_book(project, theme, RenderOptions(build_date=date, changes=changes), problems, edition=name)
        if made is None:
            continue
        book, rendered = made
        snapshot = snapshot_book(book)
        variant = variant_override or book.edition.pdf_variant
        if variant in TAGGED_VARIANTS:
            problems.extend(missing_alt_text(rendered.html, book, source_lines(book, theme), variant))
        record = {
            "name": name,
            "title": book.edition.title,
            "file": release_file_name(project, name),
            "marking": book.marking,
            "level": book.level,
            "paper": rendered.paper,
            "pdf_variant": variant,
            **snapshot_json(snapshot),
        }
        if changes is not None:
            record["changes"] = changes.as_json()
        plans.append(_Planned(book, rendered.html, variant, record))
    problems.raise_if_errors()
    return plans


def render_edition(plan: _Planned, project: Project, theme: Theme) -> tuple[EditionResult, bytes]:
    """One edition's PDF: here, or in a worker process through `render_pool.run_calls`."""
    from briefing.pdf.accessibility import finish_pdf, untagged_figures

    def finisher(document: Any, pdf: Any) -> None:
        finish_pdf(document, pdf)
        if plan.variant in TAGGED_VARIANTS and untagged_figures(pdf):
            raise UserError([Problem(project.content_dir, 0, f"edition '{plan.book.edition.name}': "
                                     f"{untagged_figures(pdf)} figure(s) would have no alt text in the tagged PDF")])

    started = time.perf_counter()
    pdf = lay_out(plan.book, theme, plan.html, pdf_variant=plan.variant, finisher=finisher, identifier=True)
    result = EditionResult(plan.record["name"], plan.record["file"], pdf.pages, time.perf_counter() - started,
                           pdf.warnings)
    return result, pdf.data


def _project_record(project: Project) -> dict[str, Any]:
    return {"slug": project_slug(project), "title": project.config.title, "version": project.config.version}


def _run_record(project: Project, theme: Theme, planned: Sequence[str], date: dt.datetime, epoch: int,
                request: ReleaseRequest, earlier: Any) -> dict[str, Any]:
    """What the whole run was made from: tools, date, inputs, options. Identical for every shard."""
    from briefing.cache.inputs import LinkedFolderError
    from briefing.release.since import git_state

    try:
        inputs: Inputs = collect_inputs(project, theme)
    except LinkedFolderError as exc:
        raise UserError([Problem(Path(str(exc)), 0, "a link to a folder among the inputs: a release is made "
                                 "only from files inside the project")]) from None
    return {
        "tools": _tool_versions(),
        "source_date": date.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "source_date_epoch": epoch,
        "inputs": {"sha256": inputs.sha256,
                   "files": [{"path": f.label, "sha256": f.sha256, "bytes": f.bytes} for f in inputs.files]},
        "git": git_state(project.root, git_pathspecs((project.config.content, project.config.templates,
                                                                project.config.styles))),
        "editions": list(planned),
        "pdf_variant": request.pdf_variant,
        "since": dict(earlier.record) if earlier is not None else None,
    }


def _tool_versions() -> dict[str, str]:
    """Versions of everything that shapes the bytes (a difference here explains a different checksum)."""
    from importlib.metadata import version

    import pydyf
    import weasyprint
    from weasyprint.text.ffi import harfbuzz_subset, pango

    from briefing import __version__

    number = pango.pango_version()
    return {
        "briefing": __version__,
        "weasyprint": weasyprint.__version__,
        "pydyf": pydyf.__version__,
        "fonttools": version("fonttools"),
        "pango": f"{number // 10000}.{number // 100 % 100}.{number % 100}",
        "font_subsetter": "harfbuzz" if harfbuzz_subset else "fonttools",
    }
