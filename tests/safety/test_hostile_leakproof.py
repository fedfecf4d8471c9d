"""Issue 13: generated Markdown against the public edition. Fences (at the margin, indented, in
lists and quotes), code fences Markdown may or may not accept, raw HTML and attributes are
mixed around internal blocks; each internal block carries a token the generator knows.

Whatever is generated, the public edition either refuses to build (a located error) or prints
none of those tokens; and when the fences stand plainly at the margin, the Markdown filter
alone keeps them out (the leak proof, the backstop, finds nothing to refuse).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import UserError

HEADER = "---\ntitle: Generated\nsector: context\norder: 9\nlevel: public\n---\n\n"
OPENERS = ["::: {.internal}", "::: internal", "::: {.restricted}", '::: {editions="full"}',
           "::: {.internal #x}", "::::: {.restricted .note}"]
PREFIXES = ["", "", "", "  ", "    ", "> ", "- ", "1. ", "\t"]
WRAPPERS = ["```", "  ```", "~~~", "````", "<code>", "</code>", "<pre>", "</pre>", "<div>", "</div>",
            "<!--", "-->", "`"]
PUBLIC = ["Public words about trade.", "The delegation met the ministry.", "[A span]{lang=ko}",
          '<span class="note">raw html</span>', "*emphasis* and `code`", "## A part heading", "{#an-id}",
          "| a | b |\n|---|---|\n| c | d |", "[^1]\n\n[^1]: A public note."]

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])


@st.composite
def documents(draw: st.DrawFn, plain: bool = False) -> tuple[str, list[str]]:
    """(body, the tokens written inside blocks the public edition may not carry)."""
    secrets: list[str] = []
    counter = [0]

    def block(depth: int) -> list[str]:
        prefix = "" if plain else draw(st.sampled_from(PREFIXES))
        counter[0] += 1
        token = f"Zqsecret{counter[0]}x"
        secrets.append(token)
        lines = [draw(st.sampled_from(OPENERS)), f"{token} hidden plan for the talks."]
        if depth < 2 and draw(st.booleans()):
            lines += ["", *block(depth + 1), ""]
        lines += [f"More of {token} after the nested part.", ":::"]
        return [prefix + line if line else line for line in lines]

    pieces: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["public", "block", "wrapper", "blank"] if not plain else
                                    ["public", "block", "blank"]))
        if kind == "public":
            pieces.append(draw(st.sampled_from(PUBLIC)))
        elif kind == "block":
            pieces += block(0)
        elif kind == "wrapper":
            pieces.append(draw(st.sampled_from(WRAPPERS)))
        else:
            pieces.append("")
        if draw(st.booleans()):
            pieces.append("")
    return "\n".join(pieces) + "\n", secrets


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_fixture("secure", tmp_path_factory.mktemp("leakproof"))


def _public_html(project: Path, body: str) -> tuple[str | None, list[str]]:
    """The public edition's HTML and the leak proof's findings; (None, messages) when it refuses."""
    from briefing.book.editions import select_edition
    from briefing.book.render_html import RenderOptions, render_html
    from briefing.pipeline import prepare
    from briefing.project.source_date import source_date
    from briefing.project.theme import load_theme
    from briefing.safety.leakproof import find_leaks

    (project / "content" / "generated.md").write_text(HEADER + body, "utf-8")
    try:
        loaded, _ = prepare(project)
        book = select_edition(loaded, "public")
        html = render_html(book, load_theme(loaded), RenderOptions(build_date=source_date(loaded))).html
    except UserError as error:
        return None, [p.format() for p in error.problems]
    return html, [p.format() for p in find_leaks(book, html.encode(), "html")]


@SETTINGS
@given(documents())
def test_no_generated_internal_text_reaches_the_public_edition(project: Path, generated: tuple[str, list[str]]) -> None:
    body, secrets = generated
    html, leaks = _public_html(project, body)
    if html is None:
        return  # refused with located problems: nothing printed
    printed = [token for token in secrets if token.lower() in html.lower()]
    if printed:  # the parser printed it (as code, say): the leak proof must refuse the build
        assert leaks, f"{printed} printed and not caught:\n{body}"
        assert all("generated.md:" in leak for leak in leaks), leaks


@SETTINGS
@given(documents(plain=True))
def test_fences_at_the_margin_are_filtered_without_the_backstop(project: Path,
                                                               generated: tuple[str, list[str]]) -> None:
    body, secrets = generated
    html, leaks = _public_html(project, body)
    assert html is not None, f"a plain document was refused: {leaks}\n{body}"
    assert not leaks, leaks
    assert not [token for token in secrets if token.lower() in html.lower()]

