"""Issue 5: property-based tests. Whatever text an author (or an attacker) writes, the parsers of
front matter, citations, fenced divs and raw HTML end in a result or a `UserError` with
`path:line` problems, never in an uncaught exception. Examples are drawn from fragments of
the syntax that matters (fences, brackets, keys, quotes, tags) mixed with arbitrary text.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.book.citations import find_citations, mask_code, parse_group
from briefing.errors import Problem, UserError
from briefing.project.blocks import keep_parts, parse_attrs, parse_divs, render_divs, split_parts
from briefing.project.load import ProjectFiles, SourceText
from briefing.project.validate import split_front_matter, validate_project
from briefing.project.yamlfile import parse_yaml

PATH = Path("/project/content/s.md")
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SYNTAX = [
    "---\n", "...\n", "\n", " ", ":", ": ", "- ", "title: T\n", "sector: mining\n", "level: internal\n",
    "level: [x]\n", "id: a\n", "order: x\n", "&a ", "*a", "!!python/object:os.system ", "{", "}", "[", "]",
    "'", '"', "#", "\t", "::: {.internal}\n", "::: {.restricted}\n", "::: note\n", ":::\n", "::::\n",
    '::: {editions="a,b"}\n', "::: {.chart src=\"data/x.yaml\"}\n", "```\n", "~~~\n", "`", "## Key points\n",
    "### Sub\n", "[@alpha]", "[@alpha, p. 4]", "[see @alpha; @beta, sec. 2]", "[-@alpha]", "@", "[^1]",
    "[^1]: note\n", "[x]{lang=ko}", "![i](img/a.png)", "[l](#a)", "<span>", "</span>", "<script>", "<!--",
    "-->", "&amp;", "\\", "é", "우", "\u200b", "\ufeff",
]
fragments = st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=6)), max_size=40).map("".join)


def _files(section_text: str, config: str = "title: T\n", references: str | None = None,
           editions: str | None = None) -> ProjectFiles:
    root = Path("/project")
    return ProjectFiles(
        root, SourceText(root / "briefing.yaml", config), (SourceText(PATH, section_text),),
        SourceText(root / "content" / "references.yaml", references) if references is not None else None,
        SourceText(root / "content" / "editions.yaml", editions) if editions is not None else None)


def _problems_are_located(error: UserError) -> None:
    assert error.problems
    for problem in error.problems:
        assert isinstance(problem, Problem) and problem.line >= 0 and problem.message
        assert problem.format().startswith(str(problem.path))


@FAST
@given(fragments)
def test_front_matter_splitting_never_fails(text: str) -> None:
    result = split_front_matter(SourceText(PATH, text))
    if isinstance(result, Problem):
        assert result.path == PATH and result.line == 1
    else:
        _front, front_line, body, body_line = result
        assert front_line == 2 and body_line >= 3
        assert text.split("\n")[body_line - 1:] == body.split("\n")


@FAST
@given(fragments)
def test_yaml_parsing_never_raises(text: str) -> None:
    data, problems = parse_yaml(text, PATH, 5)
    assert problems == [] or (data is None and all(p.line >= 5 for p in problems))


@SLOW
@given(fragments, fragments)
def test_validating_a_section_ends_in_a_project_or_located_problems(front: str, body: str) -> None:
    try:
        project = validate_project(_files(f"---\n{front}\n---\n{body}"))
    except UserError as error:
        _problems_are_located(error)
    else:
        assert all(section.path == PATH for section in project.sections)


@SLOW
@given(fragments, fragments, fragments)
def test_validating_config_references_and_editions_never_raises(config: str, references: str,
                                                                 editions: str) -> None:
    try:
        validate_project(_files("---\ntitle: T\nsector: mining\n---\nBody.\n", config, references, editions))
    except UserError as error:
        _problems_are_located(error)


@FAST
@given(fragments)
def test_citation_parsing_never_raises(text: str) -> None:
    parse_group(text)
    masked = mask_code(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    for group in find_citations(text, 10):
        assert 10 <= group.line <= 10 + text.count("\n")
        assert group.items and all(item.key for item in group.items)
        assert text[group.start] == "["


@FAST
@given(fragments)
def test_fenced_div_parsing_never_raises(text: str) -> None:
    parse_attrs(text)
    divs, problems = parse_divs(text, PATH, 8)
    assert all(p.path == PATH and 8 <= p.line <= 8 + text.count("\n") for p in problems)
    render_divs(text, divs, lambda attrs: None if "internal" in attrs.classes else ("<div>", "</div>"))
    _intro, parts = split_parts(text)
    keep_parts(text, ("intro", *(part.slug for part in parts[:1])))


@FAST
@given(st.lists(st.sampled_from(["::: {.internal}", "::: {.restricted}", "::: note", ":::", "Secretline", "Open"]),
                max_size=14))
def test_a_dropped_block_takes_all_its_lines_with_it(lines: list[str]) -> None:
    """Whatever the nesting, text inside an internal or restricted block never survives a drop."""
    body = "\n".join(lines)
    divs, problems = parse_divs(body, PATH, 1)
    if problems:
        return  # unbalanced: validation refuses the section, nothing is rendered
    kept = render_divs(body, divs, lambda attrs: None if {"internal", "restricted"} & set(attrs.classes)
                       else ("<div>", "</div>"))
    depth_marked, expected_secret = [], 0
    for line in lines:
        if line.startswith(":::") and line != ":::":
            depth_marked.append(line in ("::: {.internal}", "::: {.restricted}"))
        elif line == ":::":
            depth_marked.pop()
        elif line == "Secretline" and not any(depth_marked):
            expected_secret += 1
    assert kept.split("\n").count("Secretline") == expected_secret


@SLOW
@given(fragments)
def test_rendering_and_sanitising_a_chapter_never_raises(body: str) -> None:
    """Markdown → HTML → audit → nh3, on arbitrary bodies (citations of two real keys)."""
    from briefing.book.markup import NoteState, render_markdown
    from briefing.project.models import ProjectConfig, Section, SectionMeta
    from briefing.project.references import Reference
    from briefing.safety.sanitize import audit_html, clean_html

    references = {key: Reference.model_validate({"id": key, "title": f"Title {key}"}) for key in ("alpha", "beta")}
    config = ProjectConfig(title="T")
    section = Section("s", SectionMeta(title="S", sector="mining"), "internal", body, 8, PATH)
    html = render_markdown(body.replace("@", "@alpha "), "s", NoteState(references))
    audit_html(html, section, config)
    cleaned = clean_html(html, config)
    assert "<script" not in cleaned.lower() and "url(" not in cleaned.lower()


@FAST
@given(st.lists(st.one_of(st.sampled_from([
    "<script>x</script>", "<img src=x onerror=y>", '<a href="javascript:x">', "<style>@import 'x';</style>",
    '<p style="background:url(x)">', '<p style="color:u\\72l(x)">', "<iframe src=x>", "<link rel=attachment href=x>",
    "<svg><image href=x /></svg>", "<object data=x>", '<a rel="attachment" href="x">', "<base href=x>",
    "<SCRIPT>", "<img src=file:///etc/hostname>", "<img srcset='x 2x'>", "<", ">", '"', "'", "=", " ",
]), st.text(max_size=4)), max_size=20).map("".join))
def test_sanitised_html_keeps_nothing_active(html: str) -> None:
    """Parsed back, nh3's output has only allowed tags and no handler, resource or attachment attribute."""
    from html.parser import HTMLParser

    from briefing.safety.sanitize import TAGS, clean_html

    seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            seen.append((tag, attrs))

    Collect().feed(clean_html(html))
    for tag, attrs in seen:
        assert tag in TAGS, tag
        for name, value in attrs:
            value = (value or "").lower()
            assert not name.startswith("on") and name not in ("srcset", "rel", "data", "background"), name
            assert not value.startswith(("javascript:", "file:")) and "url(" not in value, (name, value)
