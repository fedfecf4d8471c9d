"""The raw HTML policy: what a chapter's HTML may contain before it reaches the templates.

Markdown lets authors write raw HTML. Each chapter's HTML (as `markup.render_markdown` made
it, before charts or anything else the tool adds) is first audited, so that everything the
policy refuses is reported as `file:line: message`, then cleaned by nh3 (the Ammonia
sanitiser) to the same allowlist, so that nothing outside it can reach WeasyPrint even if
the audit missed it.

Allowed: presentational and structural tags (see `TAGS`), the attributes in `ATTRIBUTES`
plus `data-*` and `aria-*`, inline `style` limited to `STYLE_PROPERTIES` and never with
`url()`, `@`-rules, `image(…)` or backslash escapes; `src` only for files in the project,
small `data:` images and hosts opted in with `remote: allow_hosts`; `href` only for
`#anchors`, http(s) and mailto. Refused (an error): script, style, link, meta, base,
iframe, object, embed, form and every other element not listed, event handlers
(`on…=`), `rel="attachment"`, attributes that load resources (`srcset`, `poster`, …),
and a class that looks like a classification level (only fenced divs mark text).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nh3

from briefing.book.locate import find_line, masked_lines
from briefing.errors import Problem
from briefing.project.blocks import parse_attrs
from briefing.project.fenced_divs import FURNITURE, NONCE_ATTRIBUTE, furniture_nonce
from briefing.project.models import ProjectConfig, Section
from briefing.safety.fetch import data_url_problem, project_file_problem
from briefing.safety.urls import PROJECT_URL

TAGS = frozenset({
    "p", "div", "section", "article", "aside", "header", "footer", "blockquote", "pre", "code", "hr", "br",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td", "figure", "figcaption",
    "a", "abbr", "b", "bdi", "bdo", "cite", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s", "samp",
    "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "img",
})
ATTRIBUTES = {
    "*": {"class", "id", "lang", "dir", "title", "style", "role"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "del": {"datetime"},
    "ins": {"datetime"},
}
PREFIXES = frozenset({"data-", "aria-"})
STYLE_PROPERTIES = frozenset({
    "text-align", "vertical-align", "color", "background-color", "font-weight", "font-style", "font-variant",
    "font-size", "text-decoration", "text-transform", "white-space", "width", "min-width", "max-width",
    "height", "margin", "margin-top", "margin-bottom", "margin-left", "margin-right", "padding",
    "padding-top", "padding-bottom", "padding-left", "padding-right", "border", "border-top", "border-bottom",
    "border-left", "border-right", "border-color", "border-style", "border-width", "border-collapse",
    "break-before", "break-after", "break-inside", "page-break-before", "page-break-after",
    "page-break-inside", "hyphens", "letter-spacing", "line-height", "list-style-type",
})
"""Inline style properties kept; none of them can load a resource."""
RESOURCE_ATTRIBUTES = frozenset({"srcset", "poster", "background", "lowsrc", "dynsrc", "action", "formaction",
                                 "ping", "codebase", "archive", "manifest", "xlink:href", "longdesc", "usemap"})
DANGEROUS_TAGS = {
    "script": "scripts never run in a briefing",
    "style": "styles come from the theme: put CSS in the project's styles/ folder",
    "link": "stylesheets and attachments come from the theme, never from content",
    "meta": "document metadata comes from briefing.yaml",
    "base": "the base URL is fixed by briefing",
    "iframe": "embedded documents are not allowed",
    "frame": "embedded documents are not allowed",
    "object": "embedded objects are not allowed",
    "embed": "embedded objects are not allowed",
    "form": "forms are not allowed in a printed briefing",
    "input": "forms are not allowed in a printed briefing",
    "svg": "write a chart with ::: {.chart src=...} or use an image file",
}
_UNSAFE_STYLE = re.compile(r"url\s*\(|@|\\|image\s*\(|image-set|element\s*\(|expression|-moz-binding|behavior", re.I)
HREF_SCHEMES = frozenset({"http", "https", "mailto"})
MARKING_ATTRIBUTES = frozenset({"data-level", "data-class", "data-classification", "data-marking"})
"""How a fenced div's `level=internal` (not `.internal`) arrives: it would mark nothing."""
_CHAR_REF = re.compile(r"&#(?:[0-9]{1,10}|[xX][0-9a-fA-F]{1,8});")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_NONCE = re.compile(rf'\s{NONCE_ATTRIBUTE}="[^"]*"')
_STRAY_FENCE = re.compile(r":{3,}[ \t]*(?:\{(?P<attrs>[^}\n]*)\}|(?P<word>[A-Za-z][\w-]*))")


def clean_chapter(html: str, section: Section, config: ProjectConfig, problems: list[Problem]) -> str:
    """Audit one chapter's HTML (adding a problem per refused thing) and return it sanitised."""
    problems.extend(audit_html(html, section, config))
    return _NONCE.sub("", clean_html(html, config))


def clean_html(html: str, config: ProjectConfig | None = None) -> str:
    """The HTML reduced to the allowlist by nh3; refused URLs and unsafe inline styles are dropped."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "style":
            return None if _UNSAFE_STYLE.search(value) else value
        if attribute in ("src", "href") and url_problem(tag, attribute, value, config):
            return None
        return value

    return str(nh3.clean(
        html, tags=set(TAGS), clean_content_tags={"script", "style"}, attributes=ATTRIBUTES,
        generic_attribute_prefixes=set(PREFIXES), attribute_filter=keep, strip_comments=True, link_rel=None,
        url_schemes=set(HREF_SCHEMES) | {"data"}, filter_style_properties=set(STYLE_PROPERTIES),
    ))


def url_problem(tag: str, attribute: str, value: str, config: ProjectConfig | None,
                project_root: Path | None = None) -> str:
    """Why a `src` or `href` is refused, or '' when it is allowed (with `project_root`, a project
    file is also checked as the fetcher will check it: type, size, pixels, links leading out)."""
    url = value.strip()
    scheme = urlsplit(url).scheme.lower() if ":" in url.split("/", 1)[0] else ""
    if attribute == "href" and tag != "img":
        if url.startswith("#") or scheme in HREF_SCHEMES:
            return ""
        if scheme == "file" or not scheme:
            return "links to files do not work in a PDF handed to others: link to a web address or a #section"
        return f"links with the '{scheme}:' scheme are not allowed"
    if scheme == "data":
        limit = config.limits.data_url_bytes if config else 0
        if config and len(url) > limit * 4 // 3 + 64:
            return f"data: URL is over the {limit:,}-byte limit (limits: data_url_bytes in briefing.yaml)"
        if not url[5:].lower().startswith("image/"):
            return "only image data: URLs are allowed"
        return data_url_problem(url, config.limits) if config else ""
    if scheme in ("http", "https"):
        remote = config.remote if config else None
        try:
            allowed = remote is not None and remote.allows(urlsplit(url).hostname, urlsplit(url).port, scheme)
        except ValueError:
            allowed = False
        if allowed:
            return ""
        return ("remote images are not fetched: download the file into the project, or name its host in "
                "remote: allow_hosts in briefing.yaml")
    if scheme:
        return f"'{scheme}:' URLs are not allowed: use a file inside the project"
    resolved = urljoin(f"{PROJECT_URL}{config.content.strip('/') if config else 'content'}/", url)
    if not resolved.startswith(PROJECT_URL):
        return "the path leads outside the project"
    if project_root is not None and config is not None:
        return project_file_problem(project_root, resolved, config.limits)
    return ""


def audit_html(html: str, section: Section, config: ProjectConfig) -> list[Problem]:
    """Everything in one chapter's HTML that the raw HTML policy refuses, at the line that wrote it."""
    audit = _Audit(config, _project_root(section, config), furniture_nonce(section.body))
    for written in dict.fromkeys(_CHAR_REF.findall(html)):  # HTMLParser drops these silently: look at the source
        code = int(written[3:-1], 16) if written[2] in "xX" else int(written[2:-1])
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or _CONTROL.match(chr(code)):
            audit.findings.append((re.compile(re.escape(written), re.I), 0,
                                   f"'{written}' is a control or invalid character: write plain text (it would "
                                   "print as a box or break the outline)"))
    audit.feed(html)
    audit.close()
    lines = masked_lines(section)
    return [Problem(section.path, find_line(section, needle, occurrence, lines), message)
            for needle, occurrence, message in audit.findings]


def _project_root(section: Section, config: ProjectConfig) -> Path:
    """The project folder: sections are the files directly in the content folder."""
    root = section.path.parent
    for _ in Path(config.content).parts:
        root = root.parent
    return root


class _Audit(HTMLParser):
    """Walks the HTML in source order; every tag and attribute is counted, so that the n-th
    `onerror=` found here is blamed on the n-th `onerror=` in the Markdown."""

    def __init__(self, config: ProjectConfig, project_root: Path, nonce: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.config = config
        self.project_root = project_root
        self.findings: list[tuple[re.Pattern[str], int, str]] = []
        self.levels = {level.lower(): level for level in config.levels}
        self.counts: Counter[str] = Counter()
        self.in_code = 0

    def _seen(self, pattern: str, flags: int = re.I) -> tuple[re.Pattern[str], int]:
        occurrence = self.counts[pattern]
        self.counts[pattern] += 1
        return re.compile(pattern, flags), occurrence

    def _report(self, seen: tuple[re.Pattern[str], int], message: str) -> None:
        self.findings.append((*seen, message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_code += tag in ("pre", "code")
        where = self._seen(rf"<\s*{re.escape(tag)}\b")
        allowed = tag in TAGS
        if not allowed:
            why = DANGEROUS_TAGS.get(tag, "only presentational HTML is allowed (see Security in the README)")
            self._report(where, f"raw HTML <{tag}> is not allowed: {why}")
        # a real marking, from a fenced div: raw HTML cannot know the nonce (a hash of the whole section)
        marked = bool(self.nonce) and dict(attrs).get(NONCE_ATTRIBUTE) == self.nonce
        for name, raw in attrs:
            self._attribute(tag, name, raw or "", report=allowed, marked=marked)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("pre", "code") and self.in_code:
            self.in_code -= 1

    def handle_data(self, data: str) -> None:
        """A marking fence that Markdown printed as text (indented, in a list or a quote) marks nothing."""
        if self.in_code:
            return
        for match in _STRAY_FENCE.finditer(data):
            attrs = parse_attrs(match.group("attrs") or match.group("word") or "")
            if any(c.lower() in self.levels for c in attrs.classes) or attrs.get("editions"):
                self._report(self._seen(re.escape(match.group(0))),
                             f"'{match.group(0)}' is not at the start of a line (indented, in a list or a quote?), "
                             "so it marks nothing and the text after it is printed in every edition: start the "
                             "':::' line at the left margin")

    def _attribute(self, tag: str, name: str, value: str, report: bool, marked: bool = False) -> None:
        if name.startswith("on") or name in RESOURCE_ATTRIBUTES:
            where = self._seen(rf"\b{re.escape(name)}\s*=")
            if report and name.startswith("on"):
                self._report(where, f"event handler attribute '{name}' on <{tag}> is not allowed")
            elif report:
                self._report(where, f"attribute '{name}' on <{tag}> may load a resource and is not allowed")
        elif name == "rel" and "attachment" in value.lower().split():
            where = self._seen(r"\brel\s*=\s*[\"']?[^\"'>]*\battachment")
            if report:
                self._report(where, f"<{tag} rel=\"attachment\">: PDF attachments are never created from content")
        elif name == "style" and _UNSAFE_STYLE.search(value):
            where = self._seen(re.escape(value.strip()[:30]))
            if report:
                self._report(where, f"inline style on <{tag}> may not use url(), @-rules, image functions or "
                             "backslash escapes")
        elif name in ("src", "href"):
            where = self._seen(re.escape(value.strip()) if value.strip() else rf"\b{name}\s*=")
            if report and (problem := url_problem(tag, name, value, self.config, self.project_root)):
                self._report(where, f"{'image' if name == 'src' else 'link'} '{_short(value)}': {problem}")
        elif name == "class" and report:
            for token in value.split():
                if token.lower().startswith(FURNITURE):
                    if not marked:
                        where = self._seen(rf"{re.escape(token)}\b", 0)
                        self._report(where, f"class '{token}' on <{tag}>: classes starting '{FURNITURE}' are the "
                                     "theme's furniture (marking banners, portion marks), never content")
                    continue
                self._class_token(tag, token)
        elif name in MARKING_ATTRIBUTES and report and not marked and self._names_level(value):
            where = self._seen(rf"\b{re.escape(name.removeprefix('data-'))}\s*=", re.I)
            self._report(where, f"'{name.removeprefix('data-')}={value}' marks nothing: write the level as a class, "
                         f"::: {{.{value.split()[0].strip(',')}}}")

    def _names_level(self, value: str) -> bool:
        return any(word.lower() in self.levels for word in re.split(r"[\s,]+", value))

    def _class_token(self, tag: str, token: str) -> None:
        level = self.levels.get(token.lower())
        if level is None:
            near = _near_level(token.lower(), tuple(self.levels))
            if near and not token.startswith(("level-", "callout-", "part-")):
                where = self._seen(rf"(?:\.|class\s*=\s*[\"']?(?:[^\"'>]*\s)?){re.escape(token)}\b", 0)
                self._report(where, f"unknown class '{token}': did you mean the level '{self.levels[near[0]]}'? "
                             "(a misspelt marking would print the block in every edition)")
            return
        where = self._seen(rf"(?:\.|class\s*=\s*[\"']?(?:[^\"'>]*\s)?){re.escape(token)}\b", 0)
        if token != level:
            self._report(where, f"'{token}' is not a classification level (levels are case-sensitive): "
                         f"write ::: {{.{level}}}")
        else:
            self._report(where, f"class '{token}' on <{tag}> does not mark text {level}: only a fenced div "
                         f"(::: {{.{level}}} … :::) or a section's level: does")


@functools.lru_cache(maxsize=4096)
def _near_level(token: str, levels: tuple[str, ...]) -> list[str]:
    """The level a class token may be a misspelling of (remembered: a book repeats its classes
    thousands of times, and comparing each with every level was a tenth of converting it)."""
    return difflib.get_close_matches(token, levels, n=1, cutoff=0.8)


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "…"
