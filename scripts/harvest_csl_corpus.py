"""Assemble tests/fixtures/csl-corpus/references.json from public CSL test material (run once).

Sources (BSD-2 and the CSL test suite's own licence; items copied as data, ids renamed):
- jgm/citeproc, test/csl/*.txt and test/extra/*.txt (Pandoc's citeproc tests)
- citation-style-language/test-suite, processor-tests/humans/*.txt

Usage: python scripts/harvest_csl_corpus.py CITEPROC_GIT_DIR TEST_SUITE_GIT_DIR
Each item's origin is listed in PROVENANCE.txt beside it; eight real publications (Korean, Chinese,
Japanese, Mongolian, French, a season, a circa date) were added by hand after the harvest.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

FEATURES = {
    "particle": lambda i: any(("non-dropping-particle" in n or "dropping-particle" in n)
                              for f in ("author", "editor", "translator") for n in i.get(f, []) if isinstance(n, dict)),
    "suffix": lambda i: any("suffix" in n for n in i.get("author", []) if isinstance(n, dict)),
    "range": lambda i: any(isinstance(i.get(f), dict) and len(i[f].get("date-parts", [])) == 2
                           for f in ("issued", "event-date")),
    "season": lambda i: isinstance(i.get("issued"), dict) and "season" in i["issued"],
    "literal-date": lambda i: isinstance(i.get("issued"), dict) and ("literal" in i["issued"] or "raw" in i["issued"]),
    "circa": lambda i: isinstance(i.get("issued"), dict) and "circa" in i["issued"],
    "editor": lambda i: bool(i.get("editor")),
    "translator": lambda i: bool(i.get("translator")),
    "non-latin": lambda i: bool(re.search(r"[\u0400-\u04ff\u0590-\u06ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]",
                                          json.dumps(i, ensure_ascii=False))),
}


def files(git_dir: str, prefixes: tuple[str, ...]) -> list[str]:
    out = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", "HEAD"],
                         capture_output=True, text=True, check=True).stdout.split()
    return [f for f in out if f.startswith(prefixes) and f.endswith(".txt")]


def items_of(git_dir: str, path: str) -> list[dict]:
    text = subprocess.run(["git", "--git-dir", git_dir, "show", f"HEAD:{path}"], capture_output=True,
                          text=True, check=True).stdout
    match = re.search(r">>=+ INPUT =+>>(.*?)<<=+ INPUT =+<<", text, re.S)
    if not match:
        return []
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return []
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def main() -> None:
    citeproc, suite = sys.argv[1], sys.argv[2]
    pool: list[tuple[str, dict]] = []
    for path in files(citeproc, ("test/csl/", "test/extra/")):
        pool += [(f"jgm/citeproc:{path}", item) for item in items_of(citeproc, path)]
    for path in files(suite, ("processor-tests/humans/",)):
        pool += [(f"citation-style-language/test-suite:{path}", item) for item in items_of(suite, path)]
    chosen: list[tuple[str, dict]] = []
    seen_titles: set[str] = set()
    counts: dict[str, int] = {}

    def take(origin: str, item: dict) -> None:
        title = json.dumps(item, sort_keys=True)
        if title in seen_titles or not item.get("title") or not item.get("type"):
            return
        seen_titles.add(title)
        chosen.append((origin, item))

    for feature, test in FEATURES.items():  # up to 8 items showing each feature
        for origin, item in pool:
            if counts.get(feature, 0) >= 8:
                break
            if test(item) and json.dumps(item, sort_keys=True) not in seen_titles and item.get("title"):
                take(origin, item)
                counts[feature] = counts.get(feature, 0) + 1
    types: dict[str, int] = {}
    for _, item in chosen:
        types[item["type"]] = types.get(item["type"], 0) + 1
    for origin, item in pool:  # then up to 6 items of each type not yet well represented
        if item.get("type") and types.get(item["type"], 0) < 6 and item.get("title"):
            before = len(chosen)
            take(origin, item)
            if len(chosen) > before:
                types[item["type"]] = types.get(item["type"], 0) + 1
    out = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "csl-corpus"
    out.mkdir(parents=True, exist_ok=True)
    references, provenance = [], []
    for number, (origin, item) in enumerate(chosen, start=1):
        item = {k: v for k, v in item.items() if not k.startswith("_")}
        item["id"] = f"item{number:03d}"
        references.append(item)
        provenance.append(f"item{number:03d}\t{origin}")
    (out / "references.json").write_text(json.dumps(references, ensure_ascii=False, indent=1) + "\n", "utf-8")
    (out / "PROVENANCE.txt").write_text("\n".join(provenance) + "\n", "utf-8")
    print(len(references), "references;", len(types), "types:", dict(sorted(types.items())))


if __name__ == "__main__":
    main()
