"""The one door through which WeasyPrint may read anything: a sandboxed URL fetcher.

Served: the virtual URLs of the project folder (`file:///briefing/project/…`) and of the
theme's style chain (`file:///briefing/theme/styles/…`), only for regular files that really
lie inside those folders (symbolic links resolved first), that are not hidden (no `.git`,
no `.env`), that have the extension of an image, stylesheet, font or colour profile, and
that are under the size limits; small `data:` URLs; and, only when the project opts in,
http(s) resources on the hosts it names. Everything else — other `file:` paths, `..`
escapes, `ftp:`, http(s) hosts not named — is refused and recorded so the build can report
it. Once the document is laid out the fetcher closes: anything WeasyPrint asks for while
writing the PDF (only attachments are fetched then) is refused.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from briefing.cache.inputs import SERVED_SUFFIXES, is_input
from briefing.project.theme import Theme
from briefing.safety.images import image_problem, sniff_image
from briefing.safety.policy import Limits, RemoteAccess
from briefing.safety.urls import PROJECT_URL, THEME_URL

MIME_TYPES = {".svg": "image/svg+xml", ".css": "text/css", ".woff": "font/woff", ".woff2": "font/woff2",
              ".ttf": "font/ttf", ".otf": "font/otf", ".webp": "image/webp"}
ATTACHMENT_REFUSAL = "PDF attachments are never created from content"
BUILTIN_MAX_BYTES = 64 * 1024 * 1024
"""Cap on the tool's own theme files (fonts); the project's `limits: image_bytes` caps the project's files."""


@dataclass
class Refusal:
    """A resource the fetcher refused, and why."""

    url: str
    reason: str


@dataclass
class SandboxPolicy:
    """What the fetcher may serve, and what it refused."""

    project_root: Path
    theme: Theme
    limits: Limits = field(default_factory=Limits)
    remote: RemoteAccess = field(default_factory=RemoteAccess)
    refusals: list[Refusal] = field(default_factory=list)
    closed: bool = False
    """Set once layout is done: a later fetch can only be an attachment, and is refused."""
    answers: dict[str, tuple[bytes, str] | str] = field(default_factory=dict)
    """What each URL gave (bytes and type, or the refusal): a URL is fetched, and reported, once."""

    def refuse(self, url: str, reason: str) -> ValueError:
        """Record a refusal; the returned error is raised to WeasyPrint (which then skips the resource)."""
        shown = url if len(url) <= 100 else url[:97] + "…"
        self.refusals.append(Refusal(shown, reason))
        return ValueError(f"refused {shown}: {reason}")

    def resolve(self, url: str) -> Path | str:
        """The real file a local URL names, or the reason it is refused."""
        if url.startswith(PROJECT_URL):
            return _served_file(self.project_root, _url_path(url, PROJECT_URL))
        if url.startswith(THEME_URL + "styles/"):
            relative = _url_path(url, THEME_URL + "styles/")
            reason = f"no stylesheet or font named '{relative}' in the project's styles or the built-in theme"
            for folder in self.theme.style_dirs:
                found = _served_file(folder, relative)
                if isinstance(found, Path):
                    return found
                if not found.startswith("file not found"):
                    reason = found
            return reason
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme in ("http", "https"):
            return (f"network access is not allowed: host '{urlsplit(url).hostname}' is not in remote: allow_hosts "
                    "in briefing.yaml (or download the file into the project and link it relatively)")
        if scheme == "file":
            return "files outside the project may not be read"
        return f"URL scheme '{scheme or '?'}' is not allowed"

    def fetch(self, url: str) -> tuple[bytes, str]:
        """The bytes and MIME type of an allowed resource; raises the refusal otherwise."""
        if self.closed:
            raise self.refuse(url, ATTACHMENT_REFUSAL)
        known = self.answers.get(url)
        if isinstance(known, str):
            raise ValueError(known)
        if known is None:
            try:
                known = self.answers[url] = self._fetch(url)
            except ValueError as refusal:
                self.answers[url] = str(refusal)
                raise
        return known

    def _fetch(self, url: str) -> tuple[bytes, str]:
        if url.startswith("data:"):
            return _data_url(url, self)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and self.remote.allows(parts.hostname, _port(url), parts.scheme):
            from briefing.safety.remote import fetch_remote

            body, remote_mime, problem = fetch_remote(url, self.remote)
            if problem:
                raise self.refuse(url, problem)
            return body, remote_mime
        found = self.resolve(url)
        if isinstance(found, str):
            raise self.refuse(url, found)
        own = _is_below(found, self.project_root)
        data, problem = _read_capped(found, self.limits.image_bytes if own else BUILTIN_MAX_BYTES)
        if problem:
            raise self.refuse(url, problem)
        problem = image_problem(found.suffix.lower(), data, self.limits)
        if problem:
            raise self.refuse(url, problem)
        sniffed = sniff_image(data, self.limits)[0]
        mime = sniffed or MIME_TYPES.get(found.suffix.lower()) or mimetypes.guess_type(found.name)[0]
        return data, (mime or "application/octet-stream")


def project_file_problem(project_root: Path, url: str, limits: Limits) -> str:
    """Why the fetcher would refuse the project file `url` names, or '' (checked before rendering,
    so that the error can name the exact line and the book need not be laid out)."""
    found = _served_file(project_root, _url_path(url, PROJECT_URL))
    if isinstance(found, str):
        return found
    data, problem = _read_capped(found, limits.image_bytes)
    return problem or image_problem(found.suffix.lower(), data, limits)


def _port(url: str) -> int | None:
    try:
        return urlsplit(url).port
    except ValueError:  # a port that is not a number, or out of range
        return -1


def _is_below(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _url_path(url: str, prefix: str) -> str:
    return unquote(urlsplit(url).path)[len(urlsplit(prefix).path):]


def _served_file(root: Path, relative: str) -> Path | str:
    """The file `relative` names below `root`, if briefing may serve it; else why not."""
    if "\x00" in relative or "\\" in relative:
        return "invalid path"
    parts = [p for p in relative.split("/") if p]
    if ".." in parts:
        return "the path leads outside the project ('..')"
    if any(p.startswith(".") for p in parts):
        return "hidden files and folders (such as .git) are never read"
    if not is_input("/".join(parts), None):
        return "not an input: build/ and dist/ hold outputs; tools' folders and editor debris are never read"
    candidate = root.joinpath(*parts)
    try:
        resolved = candidate.resolve()
        resolved.relative_to(root.resolve())
    except ValueError:
        return "the path leads outside the project (a symbolic link)"
    except (OSError, RuntimeError):
        return "invalid path"
    if resolved.suffix.lower() not in SERVED_SUFFIXES:
        return (f"'{resolved.suffix or resolved.name}' files are not loaded: only images, stylesheets, fonts and "
                "colour profiles are")
    try:
        info = resolved.stat()
    except OSError:
        return f"file not found: {relative}"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    return resolved


def _read_capped(path: Path, limit: int) -> tuple[bytes, str]:
    """At most `limit` bytes of `path`, or a problem if it is bigger (or unreadable)."""
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        return b"", f"cannot read: {exc.strerror or exc}"
    if len(data) > limit:
        return b"", (f"file is over the {limit:,}-byte limit for an image or other resource "
                     "(limits: image_bytes in briefing.yaml)")
    return data, ""


def data_url_problem(url: str, limits: Limits) -> str:
    """Why the fetcher would refuse this data: URL's image, or '' (checked before rendering, at its line)."""
    policy = SandboxPolicy(Path("/nonexistent"), None, limits)  # type: ignore[arg-type]  # no file is read
    try:
        _data_url(url, policy)
    except ValueError:
        return policy.refusals[-1].reason if policy.refusals else "data: URL refused"
    return ""


def _data_url(url: str, policy: SandboxPolicy) -> tuple[bytes, str]:
    header, _, payload = url[5:].partition(",")
    if len(payload) > policy.limits.data_url_bytes * 4 // 3 + 4:
        raise policy.refuse(url, "data: URL over the size limit (limits: data_url_bytes in briefing.yaml)")
    try:
        body = base64.b64decode(payload, validate=False) if header.endswith(";base64") else unquote(payload).encode()
    except (binascii.Error, ValueError):
        raise policy.refuse(url, "data: URL is not valid base64") from None
    if len(body) > policy.limits.data_url_bytes:
        raise policy.refuse(url, "data: URL over the size limit (limits: data_url_bytes in briefing.yaml)")
    sniffed, problem = sniff_image(body, policy.limits)  # the declared type is not trusted: the bytes decide
    if problem:
        raise policy.refuse(url, problem)
    if sniffed is None or not sniffed.startswith("image/"):
        raise policy.refuse(url, "data: URL is not an image briefing can read (PNG, JPEG, GIF, WebP, TIFF or SVG)")
    return body, sniffed


def make_fetcher(policy: SandboxPolicy) -> Any:
    """A WeasyPrint `URLFetcher` enforcing `policy` (WeasyPrint is imported here, not at start-up)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SandboxResponse(URLFetcherResponse):
        @property
        def path(self) -> None:
            """No local path: WeasyPrint must not reopen a file behind the fetcher's back."""
            return None

    class SandboxFetcher(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> Any:
            data, mime = policy.fetch(url)
            return SandboxResponse(url if not url.startswith("data:") else "data:", data, {"Content-Type": mime})

        def open(self, url: Any, data: object = None, timeout: object = None) -> Any:
            return self.fetch(str(getattr(url, "full_url", url)))

    return SandboxFetcher(timeout=1, allowed_protocols=("file", "data", "http", "https"), allow_redirects=False)


def disable_attachments(document: Any, policy: SandboxPolicy) -> None:
    """Make sure the PDF gets no file attachments from content, whatever the HTML said.

    WeasyPrint 70 collects `<link rel="attachment">` into the document metadata and turns
    `<a rel="attachment">` links into embedded files when writing; both are removed here, and
    the fetcher is closed so that nothing more is read while the PDF is written.
    """
    for attachment in list(getattr(document.metadata, "attachments", None) or ()):
        policy.refusals.append(Refusal(_attachment_url(attachment), ATTACHMENT_REFUSAL))
    document.metadata.attachments = []
    for page in document.pages:
        kept = []
        for link in page.links:
            if link[0] == "attachment":
                policy.refusals.append(Refusal(str(link[1]), ATTACHMENT_REFUSAL))
            else:
                kept.append(link)
        page.links = kept
    policy.closed = True


def _attachment_url(attachment: Any) -> str:
    """The URL a `<link rel="attachment">` named (WeasyPrint keeps it only in its unopened source)."""
    frame = getattr(getattr(attachment.source, "gen", None), "gi_frame", None)
    url = frame.f_locals.get("url") if frame is not None else None
    return str(url) if url else '<link rel="attachment">'
