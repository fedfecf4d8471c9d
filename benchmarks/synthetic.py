"""Synthetic briefing projects of a chosen size, for the benchmarks.

`make_project(folder, pages)` writes a complete project. When the repository's default
content exists (`content/*.md`), its sections, references and editions are copied and the
sector chapters are repeated (as `mining-2`, `mining-3`, …) until the book reaches about
`pages` pages; otherwise chapters are generated from a fixed, seeded vocabulary with the
same features the real content uses (parts, citations with locators, explanatory notes,
tables, call-outs, a definition list, Korean and Mongolian spans, six editions).

Run it directly to make one: `python benchmarks/synthetic.py /tmp/book 100`.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS_PER_PAGE = 150
"""Rough words per A4 page of body text with its notes (calibrated on the synthetic chapters)."""
DEFAULT_WORDS_PER_PAGE = 235
"""The same for the default content repeated (its boxes, tables and charts fill pages faster)."""
SECTORS = ("mining", "digital", "climate", "health", "diplomacy")
VOCABULARY = [
    "cooperation", "delegation", "ministry", "agreement", "investment", "copper", "coal", "rare", "earths",
    "supply", "chain", "policy", "export", "import", "tariff", "renewable", "grid", "hydrogen", "hospital",
    "vaccine", "training", "programme", "officials", "memorandum", "framework", "negotiation", "dialogue",
    "capacity", "infrastructure", "railway", "corridor", "province", "development", "financing", "loan", "grant",
    "partnership", "strategy", "review", "assessment", "mission", "embassy", "visit", "summit", "bilateral",
    "trade", "volume", "growth", "percent", "million", "tonnes", "dollars", "sector", "project", "committee",
    "secretariat", "working", "group", "consultation", "resilience", "transition", "emissions", "adaptation",
]


def default_content_present(repo: Path = REPO) -> bool:
    """True when the repository's own default project has its content."""
    return (repo / "briefing.yaml").is_file() and any((repo / "content").glob("*.md"))


def make_project(folder: Path, pages: int, seed: int = 7, repo: Path = REPO) -> Path:
    """Write a project of about `pages` pages into `folder` (emptied first) and return it."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "content").mkdir(parents=True)
    if default_content_present(repo):
        _from_default(folder, pages, repo)
    else:
        _generated(folder, pages, random.Random(seed))
    return folder


def _from_default(folder: Path, pages: int, repo: Path) -> None:
    """Copy the default project and repeat its sector chapters to reach `pages`."""
    shutil.copy2(repo / "briefing.yaml", folder / "briefing.yaml")
    content = repo / "content"
    for item in content.iterdir():
        target = folder / "content" / item.name
        if item.is_dir():
            shutil.copytree(item, target)
        else:
            shutil.copy2(item, target)
    sections = sorted(content.glob("*.md"))
    words = sum(len(re.findall(r"\w+", p.read_text("utf-8"))) for p in sections)
    sector_files = [p for p in sections if re.search(r"^sector:\s*(?!context)\w+", p.read_text("utf-8"), re.M)]
    if not sector_files:
        return
    copy = 2
    while words < pages * DEFAULT_WORDS_PER_PAGE:
        for source in sector_files:
            text = source.read_text("utf-8")
            text = re.sub(r"^title:\s*(.+)$", lambda m, n=copy: f"title: {m.group(1).strip()} ({n})", text, count=1,
                          flags=re.M)
            text = re.sub(r"^id:.*\n", "", text, flags=re.M)
            text = re.sub(r"^order:\s*(\d+)", lambda m, n=copy: f"order: {int(m.group(1)) + 1000 * n}", text, count=1,
                          flags=re.M)
            (folder / "content" / f"{source.stem}-{copy}.md").write_text(text, "utf-8")
            words += len(re.findall(r"\w+", text))
            if words >= pages * DEFAULT_WORDS_PER_PAGE:
                break
        copy += 1


def _sentence(rng: random.Random, words: int = 18) -> str:
    picked = [rng.choice(VOCABULARY) for _ in range(words)]
    picked[0] = picked[0].capitalize()
    if rng.random() < 0.4:
        picked.insert(rng.randrange(2, words), f"{rng.randrange(2, 98)}.{rng.randrange(10)} percent")
    return " ".join(picked) + "."


def _cite(rng: random.Random, references: int) -> str:
    key = f"ref{rng.randrange(references):03d}"
    roll = rng.random()
    if roll < 0.3:
        return f" [@{key}, p. {rng.randrange(1, 90)}]"
    if roll < 0.4:
        return f" [@{key}; @ref{rng.randrange(references):03d}]"
    return f" [@{key}]"


def _paragraph(rng: random.Random, references: int, sentences: int = 4) -> str:
    return " ".join(_sentence(rng).removesuffix(".") + (_cite(rng, references) if rng.random() < 0.6 else "") + "."
                    for _ in range(sentences))


def _chapter(rng: random.Random, index: int, sector: str, references: int, words: int) -> str:
    """One sector chapter of about `words` words, with the parts in the agreed order."""
    out = [
        "---",
        f"title: {sector.capitalize()} cooperation, part {index}",
        f"summary: {_sentence(rng, 22)}",
        f"sector: {sector}",
        f"order: {10 + index}",
        "reviewed: 2025-04-30",
        "owner: Synthetic desk",
        "---",
        "",
        "## Key points",
        "",
        *[f"- {_sentence(rng, 14).removesuffix('.')}{_cite(rng, references)}." for _ in range(4)],
        "",
        "## Background",
        "",
    ]
    written = 120
    paragraph = 0
    while written < words * 0.6:
        out += [_paragraph(rng, references), ""]
        if paragraph % 3 == 1:
            note = f"[^n{index}-{paragraph}]"
            out += [f"The visit to [울란바토르]{{lang=ko}} and [Улаанбаатар]{{lang=mn}} continued.{note}", "",
                    f"[^n{index}-{paragraph}]: {_sentence(rng, 16)}", ""]
        written += 80
        paragraph += 1
    out += ["## Mongolia's policy", "", _paragraph(rng, references), "",
            "::: note", _sentence(rng, 20), ":::", "",
            "| Year | Trade (US$ million) | Change |", "| --- | --- | --- |",
            *[f"| {2015 + y} | {rng.randrange(100, 900)} | {rng.randrange(-20, 30)}% |" for y in range(6)], "",
            "## Cooperation so far", ""]
    while written < words * 0.9:
        out += [_paragraph(rng, references), ""]
        written += 80
    out += ["## Opportunities", "", _paragraph(rng, references, 3), "",
            "## Risks and constraints", "", _paragraph(rng, references, 3), "",
            "## Talking points", "", *[f"- {_sentence(rng, 15)}" for _ in range(4)], "",
            "## Questions to expect", "", *[f"- {_sentence(rng, 12).removesuffix('.')}?" for _ in range(3)], ""]
    return "\n".join(out)


def _generated(folder: Path, pages: int, rng: random.Random) -> None:
    """A project made from scratch: config, references, six editions, chapters."""
    references = 40
    (folder / "briefing.yaml").write_text(
        "title: Synthetic Cooperation Briefing\nsubtitle: Generated for the benchmarks\n"
        "author: Benchmark Desk\norganisation: Synthetic Ministry\nlanguage: en\nversion: \"1.0\"\n"
        "default_edition: full\npaper: a4\ndate: 2025-05-01\n", "utf-8")
    refs = ["references:"]
    for n in range(references):
        refs += [f"  - id: ref{n:03d}", "    type: report" if n % 2 else "    type: article-newspaper",
                 f"    title: \"{_sentence(rng, 7).removesuffix('.')}\"",
                 f"    title-short: \"Short title {n}\"",
                 f"    author: [{{family: Author{n}, given: Given}}]",
                 "    publisher: Synthetic Institute", "    container-title: Synthetic Review",
                 f"    issued: {{date-parts: [[{2015 + n % 10}, {1 + n % 12}, {1 + n % 27}]]}}",
                 f"    URL: https://example.org/source/{n}", "    confidence: high",
                 "    confidence-note: A synthetic source."]
    (folder / "content" / "references.yaml").write_text("\n".join(refs) + "\n", "utf-8")
    chapters = max(1, round(pages / 4))
    words = pages * WORDS_PER_PAGE // chapters
    ids = []
    summary = ["---", "title: Executive summary", "summary: The book in one page.", "sector: context", "order: 1",
               "reviewed: 2025-04-30", "owner: Synthetic desk", "---", "", _paragraph(rng, references, 5), "",
               "Third-neighbour policy", f": {_sentence(rng, 14).removesuffix('.')}{_cite(rng, references)}.", ""]
    (folder / "content" / "executive-summary.md").write_text("\n".join(summary), "utf-8")
    for index in range(chapters):
        sector = SECTORS[index % len(SECTORS)]
        section_id = f"{sector}-{index + 1:03d}"
        ids.append(section_id)
        chapter = _chapter(rng, index + 1, sector, references, words)
        (folder / "content" / f"{section_id}.md").write_text(chapter, "utf-8")
    editions = ["editions:", "  full:", "    title: Full briefing book", "    audience: Desk officers",
                "    level: internal"]
    for sector in SECTORS:
        editions += [f"  {sector}:", f"    title: {sector.capitalize()} delegation",
                     f"    audience: The {sector} working group", "    level: internal",
                     f"    sections: [executive-summary, {{sector: {sector}}}]"]
    editions += ["  minister:", "    title: Minister's brief", "    audience: The minister", "    level: internal",
                 "    parts: [key-points, talking-points]"]
    (folder / "content" / "editions.yaml").write_text("\n".join(editions) + "\n", "utf-8")


if __name__ == "__main__":
    make_project(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 25)
