"""Issue 13: the hostile classes that take more than one run (caches, releases, merges, signals).

The one-build cases are folders of tests/hostile/ (see test_security_corpus.py); these need a
first run to attack the state it leaves behind, or a second process.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_fixture, pdf_pages_text, run_briefing

PARTS = {"BRIEFING_RENDER": "parts"}


def _tampered_pdf() -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string="<p>TAMPERED PART PRINTED</p>").write_pdf())


@pytest.mark.parametrize("force", [True, False])
def test_a_hand_edited_part_pdf_in_the_cache_is_never_printed(force: bool, tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    first = run_briefing("build", "-o", "build/a.pdf", cwd=project, env=PARTS)
    assert first.code == 0, first.stderr
    parts = sorted((project / "build" / ".cache" / "parts").glob("*.pdf"))
    assert parts, "the parts path cached no part PDF"
    tampered = _tampered_pdf()
    for part in parts:
        part.write_bytes(tampered)  # as the cache held them before: a bare PDF
    (project / "build" / "a.pdf").unlink()
    again = run_briefing("--verbose", "build", *(["--force"] if force else []), "-o", "build/a.pdf",
                         cwd=project, env=PARTS)
    assert again.code == 0, again.stderr
    assert "Traceback" not in again.stderr
    assert "TAMPERED" not in "\n".join(pdf_pages_text(project / "build" / "a.pdf"))
    if not force:  # --force does not even look; otherwise the refusal is reported with --verbose
        assert "cache:" in again.stderr and "not used, made again" in again.stderr, again.stderr


def test_an_edited_check_record_does_not_make_a_failing_check_pass(tmp_path: Path) -> None:
    project = copy_fixture("secure", tmp_path)
    (project / "content" / "opening.md").write_text(
        (project / "content" / "opening.md").read_text("utf-8").replace("[@alpha2023]", "[@nosuchkey]"), "utf-8")
    first = run_briefing("check", cwd=project)
    assert first.code == 1, first.stdout + first.stderr
    records = list((project / "build" / ".cache" / "answers").glob("*.json"))
    assert records
    for record in records:
        data = json.loads(record.read_text("utf-8"))
        data["code"] = 0
        data["events"] = [[False, "ok: nothing to report"]]
        record.write_text(json.dumps(data), "utf-8")
    again = run_briefing("check", cwd=project)
    assert again.code == 1, again.stdout + again.stderr
    assert "nothing to report" not in again.stdout
    assert "nosuchkey" in again.stderr + again.stdout


def test_cut_off_cache_files_are_misses_not_errors(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    assert run_briefing("build", "-o", "build/a.pdf", cwd=project, env=PARTS).code == 0
    assert run_briefing("check", cwd=project).code in (0, 1)
    cached = [p for p in (project / "build").rglob("*") if p.is_file() and p.name != "a.pdf"]
    assert len(cached) > 3
    for path in cached:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    (project / "build" / "a.pdf").unlink()
    again = run_briefing("--verbose", "build", "-o", "build/a.pdf", cwd=project, env=PARTS)
    assert again.code == 0, again.stderr
    assert "Traceback" not in again.stderr and "internal error" not in again.stderr
    assert "made again" in again.stderr
    assert pdf_pages_text(project / "build" / "a.pdf")
    check = run_briefing("check", cwd=project)
    assert check.code in (0, 1) and "internal error" not in check.stderr


def _sums_hold(folder: Path) -> bool:
    result = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=folder, capture_output=True, check=False)
    return result.returncode == 0


def test_a_release_that_fails_leaves_the_previous_release_whole(tmp_path: Path) -> None:
    project = copy_fixture("secure", tmp_path)
    first = run_briefing("release", cwd=project)
    assert first.code == 0, first.stderr
    dist = project / "dist"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    pdfs = sorted(name for name in before if name.endswith(".pdf"))
    assert len(pdfs) == 2 and _sums_hold(dist)
    opening = project / "content" / "opening.md"
    opening.write_text(opening.read_text("utf-8").replace("next steps", "the next steps"), "utf-8")
    (dist / pdfs[1]).unlink()
    (dist / pdfs[1]).mkdir()  # the second file cannot be written
    failed = run_briefing("release", cwd=project)
    assert failed.code == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert (dist / pdfs[0]).read_bytes() == before[pdfs[0]], "the first PDF was replaced by a failed release"
    assert (dist / "SHA256SUMS").read_bytes() == before["SHA256SUMS"]
    assert not [p for p in project.iterdir() if "staging" in p.name], "a staging folder was left behind"
    (dist / pdfs[1]).rmdir()
    done = run_briefing("release", cwd=project)
    assert done.code == 0, done.stderr
    assert _sums_hold(dist) and (dist / pdfs[0]).read_bytes() != before[pdfs[0]]


def test_merge_reads_and_writes_only_plain_names_beside_the_manifests(tmp_path: Path) -> None:
    from briefing.release.since import MANIFEST_FORMAT

    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.7\n% not part of any release\n")
    shard = tmp_path / "shard"
    shard.mkdir()
    run = {"editions": ["x"]}
    manifest = {"format": MANIFEST_FORMAT, "shard": "1/1", "project": {"slug": "p"}, "run": run,
                "editions": [{"name": "x", "file": "../outside.pdf", "pages": 1,
                              "sha256": hashlib.sha256(outside.read_bytes()).hexdigest()}]}
    (shard / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    merged = tmp_path / "merged"
    result = run_briefing("release", "--merge", "-o", merged, shard / "manifest.json", cwd=tmp_path)
    assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
    assert "never a path" in result.stderr
    assert not merged.exists() or not any(merged.iterdir())


def test_sigterm_during_the_exit_ends_quietly(tmp_path: Path) -> None:
    """A kill that lands while the process cleans up (atexit) must not print a traceback."""
    project = copy_fixture("secure", tmp_path)
    script = ("import atexit, os, signal, sys, time\n"
              "atexit.register(lambda: (os.kill(os.getpid(), signal.SIGTERM), time.sleep(2)))\n"
              "from briefing.cli.app import main\n"
              "main(['list'])\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True,
                            timeout=120, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 143, (result.returncode, result.stderr)


def test_a_dropped_preview_connection_prints_no_traceback(capfd: pytest.CaptureFixture[str]) -> None:
    from briefing.live.preview import PreviewServer

    server = PreviewServer.__new__(PreviewServer)  # the error path only: no socket needed
    server.log = None
    for error in (BrokenPipeError(32, "Broken pipe"), ConnectionResetError(104, "Connection reset by peer")):
        try:
            raise error
        except OSError:
            server.handle_error(None, ("127.0.0.1", 50000))
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and "Exception" not in captured.err, captured.err


def test_a_build_folder_that_is_a_link_leading_out_is_not_written(tmp_path: Path) -> None:
    project = copy_fixture("secure", tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "build").symlink_to(elsewhere)
    result = run_briefing("build", cwd=project)
    assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
    assert "outside" in result.stderr
    assert not list(elsewhere.iterdir())
    (project / "dist").symlink_to(elsewhere)
    released = run_briefing("release", cwd=project)
    assert released.code == 1 and not list(elsewhere.iterdir()), released.stderr


def test_merge_refuses_a_shard_pdf_that_is_a_link_leading_out(tmp_path: Path) -> None:
    from briefing.release.since import MANIFEST_FORMAT

    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.7\n% not part of any release\n")
    shard = tmp_path / "shard"
    shard.mkdir()
    (shard / "p-x-1.pdf").symlink_to(outside)
    manifest = {"format": MANIFEST_FORMAT, "shard": "1/1", "project": {"slug": "p"}, "run": {"editions": ["x"]},
                "editions": [{"name": "x", "file": "p-x-1.pdf", "pages": 1,
                              "sha256": hashlib.sha256(outside.read_bytes()).hexdigest()}]}
    (shard / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    result = run_briefing("release", "--merge", "-o", tmp_path / "merged", shard / "manifest.json", cwd=tmp_path)
    assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
    assert "leading out of its folder" in result.stderr


def test_the_leak_proof_reads_the_outline_and_the_metadata(tmp_path: Path) -> None:
    """Text that is on no page but in a bookmark or the document title is still found."""
    from weasyprint import HTML

    from briefing.book.editions import select_edition
    from briefing.pipeline import prepare
    from briefing.safety.leakproof import find_leaks

    project = copy_fixture("secure", tmp_path)
    secret = "Candid words about the minister and the deal."
    (project / "content" / "candid.md").write_text(
        f"---\ntitle: Candid\nsector: context\nlevel: internal\n---\n\n{secret}\n", "utf-8")
    loaded, _ = prepare(project)
    book = select_edition(loaded, "public")
    in_outline = HTML(string=f'<h1 style="bookmark-label: \'{secret}\'">Public</h1>').write_pdf()
    in_title = HTML(string=f"<title>{secret}</title><p>Public</p>").write_pdf()
    clean = HTML(string="<title>Public</title><h1>Public</h1>").write_pdf()
    for data in (in_outline, in_title):
        leaks = find_leaks(book, data)
        assert leaks and all("candid.md:" in p.format() and "internal section 'candid'" in p.message for p in leaks)
    assert not find_leaks(book, clean)


def test_the_leak_proof_reads_xmp_metadata(tmp_path: Path) -> None:
    from io import BytesIO

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject
    from weasyprint import HTML

    from briefing.book.editions import select_edition
    from briefing.pipeline import prepare
    from briefing.safety.leakproof import find_leaks

    project = copy_fixture("secure", tmp_path)
    secret = "Candid words about the minister and the deal."
    (project / "content" / "candid.md").write_text(
        f"---\ntitle: Candid\nsector: context\nlevel: internal\n---\n\n{secret}\n", "utf-8")
    loaded, _ = prepare(project)
    book = select_edition(loaded, "public")
    writer = PdfWriter(clone_from=BytesIO(HTML(string="<p>Public</p>").write_pdf()))
    xmp = DecodedStreamObject()
    xmp.set_data(f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:description>{secret}</dc:description></x:xmpmeta>'.encode())
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = BytesIO()
    writer.write(out)
    assert find_leaks(book, out.getvalue())


@pytest.mark.parametrize("text", ["s: !!set {b: null, a: null}", "o: !!omap [a: 1]", "p: !!pairs [a: 1]",
                                  "b: !!binary aGVsbG8=", 'e: "\\e[31mred"', "n: -.inf", "i: 1000000000000001"])
def test_yaml_values_outside_plain_data_are_located_errors(text: str) -> None:
    from briefing.project.yamlfile import parse_yaml

    data, problems = parse_yaml(f"ok: 1\n{text}\n", Path("x.yaml"), 4)
    assert data is None and [p.line for p in problems] == [5], problems
