"""The one door through which WeasyPrint may read anything: a sandboxed URL fetcher.

Only the virtual URLs of the project folder and of the theme's style chain are served,
and only files that really lie inside those folders (symbolic links are resolved first).
Everything else — http(s), ftp, other file: paths, `..` escapes — is refused and recorded,
so the build can report it.
"""

from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .render_html import PROJECT_URL, THEME_URL
from .theme import Theme

MAX_RESOURCE_BYTES = 20 * 1024 * 1024
MAX_DATA_URL_BYTES = 2 * 1024 * 1024


@dataclass
class Refusal:
    """A resource the fetcher refused, and why."""

    url: str
    reason: str


@dataclass
class SandboxPolicy:
    """What the fetcher may serve."""

    project_root: Path
    theme: Theme
    max_bytes: int = MAX_RESOURCE_BYTES
    refusals: list[Refusal] = field(default_factory=list)

    def resolve(self, url: str) -> Path | str:
        """The real file a URL names, or the reason it is refused."""
        if url.startswith(PROJECT_URL):
            return _inside(self.project_root, unquote(urlsplit(url).path)[len(urlsplit(PROJECT_URL).path):])
        if url.startswith(THEME_URL + "styles/"):
            relative = unquote(urlsplit(url).path)[len(urlsplit(THEME_URL).path) + len("styles/"):]
            for folder in self.theme.style_dirs:
                found = _inside(folder, relative)
                if isinstance(found, Path) and found.is_file():
                    return found
            return f"no stylesheet or font named '{relative}' in the project's styles or the built-in theme"
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme in ("http", "https", "ftp"):
            return "network access is not allowed: download the file into the project and link it relatively"
        if scheme == "file":
            return "files outside the project may not be read"
        return f"URL scheme '{scheme or '?'}' is not allowed"


def _inside(root: Path, relative: str) -> Path | str:
    if "\x00" in relative:
        return "invalid path"
    candidate = (root / relative.lstrip("/")).resolve()
    try:
        candidate.relative_to(root.resolve())
    except ValueError:
        return "the path leads outside the project (.. or a symbolic link)"
    return candidate


def make_fetcher(policy: SandboxPolicy):  # type: ignore[no-untyped-def]
    """A WeasyPrint `URLFetcher` enforcing `policy` (WeasyPrint is imported here, not at start-up)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SandboxFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            if url.startswith("data:"):
                return _data_url(url, policy)
            found = policy.resolve(url)
            if isinstance(found, str):
                policy.refusals.append(Refusal(url, found))
                raise ValueError(f"refused {url}: {found}")
            try:
                size = found.stat().st_size
            except OSError:
                policy.refusals.append(Refusal(url, "file not found"))
                raise ValueError(f"not found: {url}") from None
            if size > policy.max_bytes:
                reason = f"file is {size:,} bytes, over the {policy.max_bytes:,}-byte limit"
                policy.refusals.append(Refusal(url, reason))
                raise ValueError(reason)
            mime, _ = mimetypes.guess_type(found.name)
            return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime or "application/octet-stream"})

    return SandboxFetcher(timeout=1, allowed_protocols=("file", "data"), allow_redirects=False)


def _data_url(url: str, policy: SandboxPolicy):  # type: ignore[no-untyped-def]
    from weasyprint.urls import URLFetcherResponse

    header, _, payload = url[5:].partition(",")
    if len(payload) > MAX_DATA_URL_BYTES:
        policy.refusals.append(Refusal(url[:60] + "…", "data: URL over the size limit"))
        raise ValueError("data: URL too large")
    mime = header.split(";")[0] or "text/plain"
    body = base64.b64decode(payload) if header.endswith(";base64") else unquote(payload).encode()
    return URLFetcherResponse("data:", body, {"Content-Type": mime})
