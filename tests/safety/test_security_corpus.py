"""Issue 5: the hostile corpus. Each folder of tests/hostile/ is one attack or malformed input.

A case's `files/` are laid over a copy of tests/fixtures/secure (a small, clean project),
its `setup` makes what git cannot store (symbolic links, a 2 GB sparse file, a named pipe),
and its `case.yaml` says exactly what must happen: exit code 1 with one `path:line: message`
line, or a clean build whose PDF shows (and lacks) given text. Whatever the outcome, nothing
prints a traceback, and a failed build leaves the existing output byte-identical and adds
no file beside it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Run, copy_fixture, pdf_pages_text, run_briefing

CORPUS = Path(__file__).parent / "hostile"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.yaml").is_file())
PREVIOUS = b"%PDF-1.7\n% the previous build's output: a failed build must leave these bytes alone\n"
PROBLEM_LINE = re.compile(r"^(?:warning: )?[^\s:][^:]*(?::\d+)?: \S.*$|^briefing: \d+ errors$")


def _setup(project: Path, setup: dict[str, Any]) -> None:
    for link, target in (setup.get("symlink") or {}).items():
        path = project / link
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
    for name, size in (setup.get("sparse") or {}).items():
        with (project / name).open("wb") as stream:
            stream.truncate(size)
    if fifo := setup.get("fifo"):
        os.mkfifo(project / fifo)


def _prepare(case: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    spec = yaml.safe_load((CORPUS / case / "case.yaml").read_text("utf-8"))
    project = copy_fixture("secure", tmp_path)
    overlay = CORPUS / case / "files"
    if overlay.is_dir():
        shutil.copytree(overlay, project, dirs_exist_ok=True)
    _setup(project, spec.get("setup") or {})
    (project / "build").mkdir(exist_ok=True)
    (project / "build" / "out.pdf").write_bytes(PREVIOUS)
    return project, spec


def run_in_process(*args: str, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """`briefing ARGS` run by Click in this process (the corpus is large: one import of WeasyPrint).

    An exception escaping the command would be a traceback on a terminal: it fails the test.
    """
    from click.testing import CliRunner

    from briefing.cli.app import main

    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    assert escaped is None, f"uncaught {type(escaped).__name__}: {escaped}"
    return Run(result.exit_code, result.stdout, result.stderr)


def _text(path: Path) -> str:
    """All page text, with typographic quotes straightened (the book curls them)."""
    text = "\n".join(pdf_pages_text(path))
    return text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'}))


@pytest.mark.parametrize("case", CASES)
def test_hostile_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, spec = _prepare(case, tmp_path)
    args = ("build", "--force", "-o", "build/out.pdf", *spec.get("args", []))
    if spec.get("setup"):  # links, pipes and huge files could make a regression hang: a process with a timeout
        result = run_briefing(*args, cwd=project, timeout=180)
    else:
        result = run_in_process(*args, cwd=project, monkeypatch=monkeypatch)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.code == spec["exit"], (result.code, result.stderr)
    output = project / "build" / "out.pdf"
    left = {p.name for p in output.parent.iterdir()}
    assert {n for n in left if not n.startswith(".")} == {"out.pdf"}, left
    assert not [n for n in left if n.endswith(".part")], f"a temporary file was left behind: {left}"
    if spec["exit"] != 0:
        assert output.read_bytes() == PREVIOUS, "a failed build changed the existing output"
        lines = result.stderr.replace(f"{project}/", "").splitlines()
        assert all(PROBLEM_LINE.match(line) for line in lines), result.stderr
        expected = [line for line in lines if line.startswith(spec["where"] + ": ") and spec["message"] in line]
        assert expected, f"no line '{spec['where']}: …{spec['message']}…' in:\n{result.stderr}"
        return
    assert output.read_bytes() != PREVIOUS and output.read_bytes().startswith(b"%PDF-")
    text = _text(output)
    for wanted in spec.get("pdf_has", []):
        assert wanted in text, f"{wanted!r} missing from the PDF text"
    for unwanted in spec.get("pdf_lacks", []):
        assert unwanted not in text, f"{unwanted!r} found in the PDF text"


def test_the_corpus_covers_every_kind_of_attack_the_issue_names() -> None:
    """Issue 5 lists the kinds of hostile input; each must have at least one case here."""
    assert len(CASES) >= 30
    kinds = ["image-file-url", "link-attachment", "a-attachment", "remote-image", "image-traversal",
             "image-symlink-escape", "script-tag", "event-handler", "style-import", "inline-style-url",
             "template-syntax", "yaml-alias-bomb", "yaml-python-tag", "duplicate-key-front-matter",
             "huge-file", "binary-file", "invalid-utf8", "unterminated-div", "nested-markings",
             "content-folder-outside", "templates-folder-absolute"]
    assert not [kind for kind in kinds if kind not in CASES]


def test_the_corpus_covers_every_class_of_issue_13() -> None:
    """Issue 13's classes (the cases needing a second run are in test_hostile_integrity.py)."""
    kinds = ["edition-name-traversal", "edition-name-absolute", "section-name-not-a-slug",
             "marking-attribute-misspelt", "marking-fence-indented", "marking-code-fence-rejected",
             "marking-unclosed-code", "furniture-class", "content-subfolder-symlink",
             "image-pixel-bomb-data-url-type", "image-pixel-bomb-named-svg", "svg-entities-utf16",
             "date-invalid-day", "date-invalid-month", "reference-date-impossible", "integer-too-long",
             "chart-nan", "chart-infinite", "chart-huge-number", "control-character-yaml-escape", "yaml-set-tag"]
    assert not [kind for kind in kinds if kind not in CASES]


def test_a_cut_off_image_is_refused_in_a_process_that_has_rendered_before(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint's import tells Pillow to accept truncated images process-wide; a warm process
    (watch, preview, or this test process) must still refuse one."""
    import weasyprint  # noqa: F401  (what an earlier build in the same process has done)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES, "the premise: WeasyPrint set it"
    project, spec = _prepare("image-truncated", tmp_path)
    result = run_in_process("build", "--force", "-o", "build/out.pdf", cwd=project, monkeypatch=monkeypatch)
    assert result.code == 1, (result.code, result.stdout)
    assert f"{spec['where']}: " in result.stderr and spec["message"] in result.stderr, result.stderr
    assert (project / "build" / "out.pdf").read_bytes() == PREVIOUS, "a failed build changed the existing output"
