"""Fetching one remote resource, for projects that opt in with `remote: allow_hosts`.

Only called by the sandboxed fetcher, only for http(s) URLs whose host the project named.
Redirects are not followed (a redirect could lead to any host), the wait is bounded by
`remote: timeout` and the body by `remote: max_bytes`.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

from briefing.safety.policy import RemoteAccess


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch_remote(url: str, remote: RemoteAccess) -> tuple[bytes, str, str]:
    """(body, MIME type, '') for an allowed URL, or (b'', '', problem) when it cannot be used."""
    opener = urllib.request.build_opener(_NoRedirect())
    request = urllib.request.Request(url, headers={"User-Agent": "briefing", "Accept-Encoding": "identity"})
    try:
        with opener.open(request, timeout=remote.timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > remote.max_bytes:
                return b"", "", _too_big(remote)
            body = _read_until(response, remote.max_bytes + 1, time.monotonic() + remote.timeout)
            mime = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            return b"", "", f"the server redirects (HTTP {exc.code}); redirects are not followed: use the final URL"
        return b"", "", f"the server answered HTTP {exc.code}"
    except TimeoutError:
        return b"", "", f"no answer within {remote.timeout:g} s (remote: timeout in briefing.yaml)"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return b"", "", f"cannot fetch: {getattr(exc, 'reason', exc)}"
    if len(body) > remote.max_bytes:
        return b"", "", _too_big(remote)
    return body, mime, ""


def _read_until(response: object, limit: int, deadline: float) -> bytes:
    """Read at most `limit` bytes, giving up at `deadline` (a server may drip one byte at a time)."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read1(min(65536, limit - size))  # type: ignore[attr-defined]
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _too_big(remote: RemoteAccess) -> str:
    return f"remote file is over the {remote.max_bytes:,}-byte limit (remote: max_bytes in briefing.yaml)"
