"""Citation syntax (Pandoc's) and note placement, on the Markdown a user writes."""

from __future__ import annotations

from briefing.citations import Citation, find_citations
from briefing.markup import NoteState, render_markdown
from briefing.models import Reference


def _keys(text: str) -> list[list[str]]:
    return [[c.key for c in group.items] for group in find_citations(text)]


def test_pandoc_forms_are_citations() -> None:
    text = "One [@kiep2023]. Two [@kiep2023, p. 4; @nk-2022]. Three [see @x, sec. 2]."
    assert _keys(text) == [["kiep2023"], ["kiep2023", "nk-2022"], ["x"]]
    groups = find_citations(text)
    assert groups[1].items[0] == Citation("kiep2023", "", "p. 4", "")
    assert groups[2].items[0] == Citation("x", "see", "sec. 2", "")


def test_addresses_handles_links_and_code_are_not_citations() -> None:
    text = ("Mail a@b.com or [a@b.com], ping @handle, [link](http://x), ![@alt](img.png), `[@code]`\n"
            "```\n[@fenced]\n```\n[@label]: http://example.org\n")
    assert _keys(text) == []


def test_a_citation_followed_by_a_colon_is_still_a_citation() -> None:
    assert _keys("As the brief says [@k, sec. II.1]: trade grew.") == [["k"]]


def test_lines_are_counted_from_the_body_start() -> None:
    groups = find_citations("first\n\nthird [@a]\n", first_line=10)
    assert groups[0].line == 12


def test_note_call_moves_after_punctuation_and_second_note_is_short() -> None:
    refs = {"k": Reference.model_validate({"id": "k", "type": "report", "title": "Trade Strategies",
                                           "author": [{"family": "Jeong", "given": "Minhyeon"}]})}
    html = render_markdown("Trade grew [@k, p. 2]. Again [@k]: more.\n", "c", NoteState(refs))
    assert 'grew.<span class="footnote citation" data-cite="k">Minhyeon Jeong, <em>Trade Strategies</em>, p. 2.</span>' in html
    assert 'Again:<span class="footnote citation" data-cite="k">Jeong, <em>Trade Strategies</em>.</span> more.' in html
