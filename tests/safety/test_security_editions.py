"""Issue 5, classification: nothing marked above an edition's level reaches its PDF, anywhere.

Checked on a fixture with public, internal and restricted sections and (nested) blocks, and
on the default Korea–Mongolia briefing's `public` edition: not in the text of any page, not
in the outline, not in the metadata, not in any string of the decompressed PDF; the marking
is the highest level included. The wider editions are the positive control: the same checks
do find the text there.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, copy_fixture, pdf_outline_titles, pdf_pages_text, run_briefing, tool
from pypdf import PdfReader

MARKERS = {"internal": ("Kestrel",), "restricted": ("Falcon",), "full-only": ("Harrier",)}
LEVELS = ("public", "internal", "restricted")


@pytest.fixture(scope="module")
def classified(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The `classified` fixture built in its three editions (public, internal, full)."""
    project = copy_fixture("classified", tmp_path_factory.mktemp("classified"))
    built = {}
    for edition in ("public", "internal", "full"):
        result = run_briefing("build", "--edition", edition, cwd=project)
        assert result.code == 0, result.stderr
        built[edition] = project / "build" / f"{edition}.pdf"
    return built


def _everything(pdf: Path) -> dict[str, str]:
    """Where text can hide in a PDF: page text, outline, metadata, and the strings of the
    decompressed file (ASCII and UTF-16, as outline and metadata strings are written)."""
    reader = PdfReader(str(pdf))
    qdf = subprocess.run([tool("qpdf"), "--qdf", "--object-streams=disable", str(pdf), "-"],
                         capture_output=True, check=True).stdout
    strings = qdf.decode("latin-1") + qdf.replace(b"\x00", b"").decode("latin-1")
    return {
        "text": "\n".join(pdf_pages_text(pdf)),
        "outline": "\n".join(title for _, title, _ in pdf_outline_titles(pdf)),
        "metadata": "\n".join(f"{k} {v}" for k, v in (reader.metadata or {}).items()),
        "xmp": (reader.xmp_metadata.stream.get_data().decode("utf-8", "replace") if reader.xmp_metadata else ""),
        "file": strings,
    }


def _found(pdf: Path, word: str) -> list[str]:
    return [where for where, text in _everything(pdf).items() if word.lower() in text.lower()]


@pytest.mark.parametrize(("edition", "allowed", "refused", "marking"), [
    ("public", (), ("internal", "restricted", "full-only"), "PUBLIC"),
    ("internal", ("internal",), ("restricted", "full-only"), "INTERNAL"),
    ("full", ("internal", "restricted", "full-only"), (), "RESTRICTED"),
])
def test_an_edition_carries_nothing_above_its_level(classified: dict[str, Path], edition: str,
                                                    allowed: tuple[str, ...], refused: tuple[str, ...],
                                                    marking: str) -> None:
    pdf = classified[edition]
    for kind in refused:
        for word in MARKERS[kind]:
            assert _found(pdf, word) == [], f"{kind} text '{word}' leaked into the {edition} edition"
    for kind in allowed:  # the positive control: the same search does see text that belongs
        for word in MARKERS[kind]:
            assert "text" in _found(pdf, word), f"{kind} text '{word}' missing from the {edition} edition"
    pages = pdf_pages_text(pdf)
    assert all(marking in page for page in pages), f"a page of {edition} lacks the marking {marking}"
    others = [level.upper() for level in LEVELS if level.upper() != marking]
    assert not [m for m in others for page in pages if m in page]
    assert marking.lower() in (PdfReader(str(pdf)).metadata or {}).get("/Keywords", "")


def test_internal_headings_sections_notes_and_sources_stay_out_of_the_public_outline(
        classified: dict[str, Path]) -> None:
    """The outline and the contents of the public edition list only public chapters; the
    internal chapter, the heading inside an internal block, a note and a source cited only from
    internal text are all absent (they are present in the internal edition)."""
    public = [title for _, title, _ in pdf_outline_titles(classified["public"])]
    internal = [title for _, title, _ in pdf_outline_titles(classified["internal"])]
    assert "Open Overview" in public
    assert {"Kestrel Candid Chapter", "Kestrel candid heading"} <= set(internal)
    assert not [t for t in public if "Kestrel" in t or "Falcon" in t]
    text = "\n".join(pdf_pages_text(classified["public"]))
    assert "Openword Public Report" in text and "Confidential Cable" not in text
    assert "Kestrelword Confidential Cable" in "\n".join(pdf_pages_text(classified["internal"]))


# --- the default briefing ----------------------------------------------------------------

_FENCE_OPEN = re.compile(r"^\s{0,3}:{3,}\s*(?:\{(?P<attrs>[^}]*)\}|(?P<word>[A-Za-z][\w-]*))\s*:*\s*$")
_FENCE_CLOSE = re.compile(r"^\s{0,3}:{3,}\s*$")
_CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]|\[\^[^\]]*\]")


def _split_marked(path: Path) -> tuple[list[str], list[str]]:
    """(lines inside blocks marked internal or restricted, or the whole body of a section at those
    levels; the other lines), read here independently of briefing's own parser."""
    text = path.read_text("utf-8")
    _, front, body = text.split("---\n", 2)
    original = path.with_name(path.name.split(".")[0] + ".md")  # a translation (mining.ko.md) has its original's level
    if original != path and original.is_file():
        front = original.read_text("utf-8").split("---\n", 2)[1]
    if re.search(r"^level:\s*(internal|restricted)\s*$", front, re.M):
        return body.split("\n"), []
    marked, other, stack = [], [], []
    for line in body.split("\n"):
        opened = _FENCE_OPEN.match(line)
        if opened:
            stack.append(bool(re.search(r"(?:^|[\s.])(internal|restricted)\b", opened.group(0))))
        elif _FENCE_CLOSE.match(line) and stack:
            stack.pop()
        else:
            (marked if any(stack) else other).append(line)
    return marked, other


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _windows(lines: list[str]) -> list[str]:
    """Distinctive runs of marked text (before any citation, at least 40 letters and digits)."""
    windows = []
    for line in lines:
        line = re.sub(r"^\s*(?:[-*+]|\d+\.|#+)\s+", "", line)
        for piece in _CITATION.split(line):
            for sentence in re.split(r"(?<=[.!?;:])\s+", piece):
                sentence = re.sub(r"\[([^\]]*)\]\{[^}]*\}|\[([^\]]*)\]\([^)]*\)", r"\1\2", sentence)
                if len(_normal(sentence)) >= 40:
                    windows.append(_normal(sentence)[:60])
    return windows


@pytest.fixture(scope="module")
def default_editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default briefing's `public` and `full` editions (written outside the repository)."""
    if not (REPO / "content" / "editions.yaml").is_file():
        pytest.fail("the default briefing has no content/editions.yaml yet")
    out = tmp_path_factory.mktemp("default-editions")
    built = {}
    for edition in ("public", "full"):
        result = run_briefing("build", "--edition", edition, "--force", "-o", out / f"{edition}.pdf", cwd=REPO)
        assert result.code == 0, result.stderr
        built[edition] = out / f"{edition}.pdf"
    return built


def test_the_default_briefings_public_edition_has_no_internal_or_restricted_text(
        default_editions: dict[str, Path]) -> None:
    sections = [_split_marked(path) for path in sorted((REPO / "content").glob("*.md"))]
    unmarked = _normal("\n".join(line for _, other in sections for line in other))
    # a fact from a public source may be repeated in an internal section: only text that is
    # nowhere unmarked must stay out of the public edition
    windows = sorted({w for marked, _ in sections for w in _windows(marked) if w not in unmarked})
    assert len(windows) >= 10, "the default content should mark candid text internal or restricted"
    full = {where: _normal(text) for where, text in _everything(default_editions["full"]).items()}
    seen_in_full = [w for w in windows if w in full["text"]]
    assert len(seen_in_full) >= 0.8 * len(windows), "the search cannot find marked text even where it belongs"
    public = {where: _normal(text) for where, text in _everything(default_editions["public"]).items()}
    leaks = [(where, w) for w in windows for where, text in public.items() if w in text]
    assert leaks == []
    pages = pdf_pages_text(default_editions["public"])
    assert all("PUBLIC" in page for page in pages)
    assert not [page for page in pages if "INTERNAL" in page or "RESTRICTED" in page]
