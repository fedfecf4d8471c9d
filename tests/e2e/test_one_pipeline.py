"""One orchestration: `build`, `check --pages` and `check` see the same book and the same problems."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

from conftest import copy_fixture, pdf_pages_text, run_briefing

MAY_2025 = "1746057600"


def noisy_png(path: Path, width: int, height: int) -> None:
    """An RGB PNG of random pixels (incompressible: about width × height × 3 bytes)."""
    rows = random.Random(12).randbytes(height * (width * 3 + 1))
    raw = bytearray(rows)
    raw[:: width * 3 + 1] = bytes(height)  # filter byte 0 at the start of each row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))

    header = struct.pack("!IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw), 0))
                     + chunk(b"IEND", b""))


def test_check_pages_measures_the_pages_build_prints_with_a_large_image_allowed_by_limits(tmp_path: Path) -> None:
    project = copy_fixture("check-budget", tmp_path)
    with (project / "briefing.yaml").open("a", encoding="utf-8") as config:
        config.write("limits:\n  image_bytes: 20000000\n")
    noisy_png(project / "content" / "big.png", 2000, 2000)
    assert (project / "content" / "big.png").stat().st_size > 12_000_000
    short = project / "content" / "short.md"
    text = short.read_text("utf-8")
    filler = "\n\n".join(["The desk reviewed the programme and will report to the principals in due course."] * 12)
    short.write_text(text.rstrip("\n") + f"\n\n{filler}\n\n![A field of noise](big.png)\n", "utf-8")
    env = {"SOURCE_DATE_EPOCH": MAY_2025}
    built = run_briefing("build", "--project", project, env=env)
    assert built.code == 0, built.stderr
    pages = pdf_pages_text(project / "build" / "full.pdf")
    short_first = next(i for i, page in enumerate(pages) if "this short chapter" in page) + 1
    short_pages = len(pages) - short_first + 1  # the last chapter; the fixture cites nothing (no Sources)
    checked = run_briefing("check", "--project", project, "--pages", env=env)
    assert "  short: " in checked.stdout, checked.stdout + checked.stderr
    line = next(line for line in checked.stdout.splitlines() if line.startswith("  short: "))
    assert line.startswith(f"  short: {short_pages} from page {short_first} "), (line, short_pages, short_first)
    assert short_pages == 2  # the image moves to a page of its own: check sees it as build prints it
