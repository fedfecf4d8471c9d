"""`briefing release`: reproducible bytes, shards that merge into the unsharded release, PDF variants.

The `release` fixture has three editions: `full` (plain PDF), `accessible` (pdf/ua-1) and
`archive` (pdf/a-3b); its own cover template carries an inline SVG emblem with a <title>,
and the trade chapter an image with alt text.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import Run, copy_fixture, pdf_outline_titles, pdf_pages_text, run_briefing, tool
from pypdf import PdfReader
from pypdf.generic import BooleanObject, IndirectObject

EMPTY_FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig></fontconfig>
"""
FILES = ["release-fixture-accessible-2.0.pdf", "release-fixture-archive-2.0.pdf", "release-fixture-full-2.0.pdf"]


class Releases(NamedTuple):
    """Two releases of the same fixture (see `two_releases`)."""

    first: Path
    second: Path
    project: Path
    """The first copy of the fixture."""
    stdout: str
    """What the first run printed."""


def ok(result: Run) -> Run:
    assert result.code == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> Releases:
    """The fixture released twice from two copies at different paths, the second run in another
    time zone, locale and working folder, with fontconfig pointed at an empty configuration, and
    with its editions laid out one after another in this process (`BRIEFING_JOBS=1`) where the
    first run lays them out side by side in worker processes."""
    base = tmp_path_factory.mktemp("repro")
    first = copy_fixture("release", base / "one")
    second = copy_fixture("release", base / "two" / "a" / "much" / "deeper" / "checkout")
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    empty = base / "empty-fonts.conf"
    empty.write_text(EMPTY_FONTCONFIG)
    run = ok(run_briefing("release", "--project", first, env={"PYTHONHASHSEED": "1"}))
    ok(run_briefing("release", "--project", second, "--out", "out-two", cwd=elsewhere, env={
        "TZ": "XST-11", "LC_ALL": "C", "LANG": "C", "LANGUAGE": "C", "FONTCONFIG_FILE": str(empty),
        "PYTHONHASHSEED": "2", "BRIEFING_JOBS": "1"}))
    return Releases(first / "dist", elsewhere / "out-two", first, run.stdout)


def test_release_writes_every_edition_manifest_and_checksums(two_releases: Releases) -> None:
    dist = two_releases.first
    assert sorted(p.name for p in dist.iterdir()) == sorted([*FILES, "SHA256SUMS", "manifest.json"])
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert sorted(check.stdout.split()) == sorted([f"{name}:" for name in [*FILES, "manifest.json"]] + ["OK"] * 4)


def test_two_runs_in_different_environments_give_identical_bytes(two_releases: Releases) -> None:
    first, second = two_releases.first, two_releases.second
    assert (first / "SHA256SUMS").read_bytes() == (second / "SHA256SUMS").read_bytes()
    for name in [*FILES, "manifest.json"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_no_absolute_path_or_wall_clock_date_in_the_pdfs(two_releases: Releases,
                                                         tmp_path: Path) -> None:
    dist, project = two_releases.first, two_releases.project
    for name in FILES:
        expanded = tmp_path / name
        subprocess.run([tool("qpdf"), "--qdf", "--object-streams=disable", str(dist / name), str(expanded)], check=True)
        data = expanded.read_bytes()
        assert str(project).encode() not in data
        assert str(project.parent).encode() not in data
        assert b"/tmp" not in data and b"pytest" not in data
        metadata = PdfReader(str(dist / name)).metadata
        assert metadata["/CreationDate"] == "D:20250201000000Z"  # briefing.yaml `date`, not the clock
        assert metadata["/ModDate"] == "D:20250201000000Z"


def test_manifest_describes_each_edition_and_the_run(two_releases: Releases) -> None:
    dist = two_releases.first
    manifest = json.loads((dist / "manifest.json").read_text())
    assert manifest["project"] == {"slug": "release-fixture", "title": "Release Fixture", "version": "2.0"}
    editions = {e["name"]: e for e in manifest["editions"]}
    assert list(editions) == ["accessible", "archive", "full"]
    for name, edition in editions.items():
        data = (dist / edition["file"]).read_bytes()
        assert edition["sha256"] == hashlib.sha256(data).hexdigest()
        assert edition["bytes"] == len(data)
        assert edition["pages"] == len(PdfReader(str(dist / edition["file"])).pages)
        assert edition["marking"] == "internal", name
    assert [s["id"] for s in editions["full"]["sections"]] == ["trade", "climate", "health"]
    assert [s["id"] for s in editions["archive"]["sections"]] == ["trade", "climate"]
    assert [r["id"] for r in editions["full"]["references"]] == ["climate-page", "trade-office"]
    assert (editions["accessible"]["pdf_variant"], editions["archive"]["pdf_variant"]) == ("pdf/ua-1", "pdf/a-3b")
    run = manifest["run"]
    assert run["source_date"] == "2025-02-01T00:00:00Z" and run["source_date_epoch"] == 1738368000
    assert run["editions"] == ["accessible", "archive", "full"]
    assert run["tools"]["weasyprint"] == "70.0"
    labels = [f["path"] for f in run["inputs"]["files"]]
    for expected in ("briefing.yaml", "content/trade.md", "content/references.yaml", "content/editions.yaml",
                     "content/exports.png", "templates/cover.html.j2", "theme/templates/book.html.j2",
                     "theme/styles/book.css"):
        assert expected in labels
    assert not any(label.startswith("/") for label in labels)
    listing = "".join(f"{f['sha256']}  {f['path']}\n" for f in run["inputs"]["files"])
    assert run["inputs"]["sha256"] == hashlib.sha256(listing.encode()).hexdigest()


def test_an_input_change_changes_the_inputs_hash(two_releases: Releases, tmp_path: Path) -> None:
    from briefing.cache.inputs import collect_inputs
    from briefing.pipeline import prepare
    from briefing.project.theme import load_theme

    released = json.loads((two_releases.first / "manifest.json").read_text())["run"]["inputs"]
    project = copy_fixture("release", tmp_path)
    loaded, _ = prepare(project)
    assert collect_inputs(loaded, load_theme(loaded)).sha256 == released["sha256"]  # same files, another path
    (project / "styles").mkdir()
    (project / "styles" / "book.css").write_text("/* a project's own style */\n")
    loaded, _ = prepare(project)
    changed = collect_inputs(loaded, load_theme(loaded))
    assert changed.sha256 != released["sha256"]
    assert "styles/book.css" in [f.label for f in changed.files]


def test_progress_line_per_edition_and_summary(two_releases: Releases) -> None:
    lines = two_releases.stdout.strip().splitlines()
    assert [line.split()[:3] for line in lines[:3]] == [["accessible", "6", "pages"], ["archive", "5", "pages"],
                                                        ["full", "6", "pages"]]
    assert [line.split()[-1] for line in lines[:3]] == FILES
    assert lines[3].startswith("released 3 of 3 editions, 17 pages, in ")


@pytest.fixture(scope="module")
def merged(two_releases: Releases, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`--shard 1/2` and `--shard 2/2` into two folders, then `--merge` of their manifests."""
    base = tmp_path_factory.mktemp("shards")
    project = copy_fixture("release", base)
    ok(run_briefing("release", "--project", project, "--shard", "1/2", "--out", base / "s1"))
    ok(run_briefing("release", "--project", project, "--shard", "2/2", "--out", base / "s2"))
    ok(run_briefing("release", "--merge", base / "s1" / "manifest.json", base / "s2" / "manifest.json",
                    "--out", base / "merged", cwd=base))
    return base


def test_shards_split_the_sorted_editions(merged: Path) -> None:
    one = json.loads((merged / "s1" / "manifest.json").read_text())
    two = json.loads((merged / "s2" / "manifest.json").read_text())
    assert (one["shard"], [e["name"] for e in one["editions"]]) == ("1/2", ["accessible"])
    assert (two["shard"], [e["name"] for e in two["editions"]]) == ("2/2", ["archive", "full"])
    assert sorted(p.name for p in (merged / "s1").glob("*.pdf")) == [FILES[0]]


def test_merged_shards_equal_the_unsharded_release(merged: Path, two_releases: Releases) -> None:
    dist = two_releases.first
    assert sorted(p.name for p in (merged / "merged").iterdir()) == sorted(p.name for p in dist.iterdir())
    for path in dist.iterdir():
        assert (merged / "merged" / path.name).read_bytes() == path.read_bytes(), path.name


def test_merge_reports_a_missing_shard_and_a_damaged_pdf(merged: Path) -> None:
    result = run_briefing("release", "--merge", merged / "s2" / "manifest.json", "--out", merged / "bad")
    assert result.code == 1
    assert "no shard built edition(s) accessible" in result.stderr
    damaged = merged / "s1-damaged"
    damaged.mkdir()
    (damaged / "manifest.json").write_bytes((merged / "s1" / "manifest.json").read_bytes())
    (damaged / FILES[0]).write_bytes((merged / "s1" / FILES[0]).read_bytes() + b"\n")
    result = run_briefing("release", "--merge", damaged / "manifest.json", merged / "s2" / "manifest.json",
                          "--out", merged / "bad")
    assert result.code == 1
    assert f"{FILES[0]}:" in result.stderr and "checksum does not match" in result.stderr
    assert not (merged / "bad").exists()


def test_bad_shard_is_a_usage_error(tmp_path: Path) -> None:
    project = copy_fixture("release", tmp_path)
    result = run_briefing("release", "--project", project, "--shard", "3/2")
    assert result.code == 2 and "'3/2' is not I/N" in result.stderr
    result = run_briefing("release", "--project", project, "--edition", "nonesuch")
    assert result.code == 1 and "unknown edition 'nonesuch'" in result.stderr
    assert not (project / "dist").exists()


def _structure(reader: PdfReader) -> list[dict]:  # type: ignore[type-arg]
    found = []

    def walk(node: object) -> None:
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(node, dict):
            if "/S" in node:
                found.append(node)
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pdf_ua_edition_is_tagged_with_language_title_and_alt_text(two_releases: Releases) -> None:
    dist = two_releases.first
    path = dist / FILES[0]
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert reader.metadata["/Title"] == "Release Fixture: Accessible edition"
    elements = _structure(reader)
    kinds = {str(e["/S"]) for e in elements}
    assert {"/Document", "/H1", "/H2", "/P", "/L", "/LI", "/Link", "/Figure"} <= kinds
    figures = [str(e.get("/Alt", "")) for e in elements if e["/S"] == "/Figure"]
    assert sorted(figures) == ["Bar chart of exports over four years, rising in the third year",
                               "Emblem of the Test Ministry"]
    assert [title for _, title, _ in pdf_outline_titles(path)][:3] == ["Trade and Minerals", "Key points", "Background"]
    xmp = ET.fromstring(root["/Metadata"].get_object().get_data().split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    ua = "{http://www.aiim.org/pdfua/ns/id/}part"
    descriptions = xmp.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description")
    assert [d.get(ua) for d in descriptions if d.get(ua)] == ["1"]


def test_pdf_a_edition_has_output_intent_and_xmp_metadata(two_releases: Releases) -> None:
    dist = two_releases.first
    reader = PdfReader(str(dist / FILES[1]))
    root = reader.trailer["/Root"]
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC colour profile
    assert "/ID" in reader.trailer
    packet = root["/Metadata"].get_object().get_data()
    xmp = ET.fromstring(packet.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    aid = "{http://www.aiim.org/pdfa/ns/id/}"
    ids = [(d.get(aid + "part"), d.get(aid + "conformance"))
           for d in xmp.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description") if d.get(aid + "part")]
    assert ids == [("3", "B")]
    titles = [li.text for li in xmp.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li")]
    assert "Release Fixture: Archival edition" in titles
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert "Trade and Minerals" in "".join(pdf_pages_text(dist / FILES[1]))


def test_qpdf_finds_no_errors_in_any_edition(two_releases: Releases) -> None:
    dist = two_releases.first
    for name in FILES:
        check = subprocess.run([tool("qpdf"), "--check", str(dist / name)], capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "No syntax or stream encoding errors found" in check.stdout
        assert "WARNING" not in check.stdout + check.stderr
        assert "/ID" in PdfReader(str(dist / name)).trailer  # deterministic: an MD5 of the PDF's objects


def test_pdf_variant_option_overrides_the_editions(tmp_path: Path) -> None:
    project = copy_fixture("release", tmp_path)
    ok(run_briefing("release", "--project", project, "--edition", "full", "--pdf-variant", "pdf/ua-1"))
    reader = PdfReader(str(project / "dist" / FILES[2]))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    manifest = json.loads((project / "dist" / "manifest.json").read_text())
    assert manifest["run"]["pdf_variant"] == "pdf/ua-1" and manifest["editions"][0]["pdf_variant"] == "pdf/ua-1"


def test_tagged_edition_with_an_image_without_alt_text_fails_at_its_line(tmp_path: Path) -> None:
    project = copy_fixture("release", tmp_path)
    trade = project / "content" / "trade.md"
    trade.write_text(trade.read_text().replace("![Bar chart of exports over four years, rising in the third year]",
                                               "![]"))
    line = trade.read_text().splitlines().index("![](exports.png)") + 1
    result = run_briefing("release", "--project", project)
    assert result.code == 1
    assert f"trade.md:{line}: image 'exports.png' has no alt text; edition 'accessible' is pdf/ua-1" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "dist").exists()


def test_pdf_variant_choices_are_the_editions_variants() -> None:
    from typing import get_args

    from briefing.cli.commands.release import VARIANTS
    from briefing.project.models import PdfVariant

    assert set(VARIANTS) == set(get_args(PdfVariant))
