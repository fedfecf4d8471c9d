"""A tiny HTTP server on 127.0.0.1 for the security tests: it records every request it gets.

The "no network" tests assert it received nothing; the remote opt-in and interruption tests
serve it small files, or make it hold a request open until the test lets go.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _tiny_png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), (20, 90, 160)).save(out, "PNG")
    return out.getvalue()


TINY_PNG = _tiny_png()


@dataclass
class Loopback:
    """The running server: its port, the requests it got, and hooks to shape its answers."""

    port: int
    requests: list[str] = field(default_factory=list)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    """path → (body, content type); anything else is a 404."""
    redirects: dict[str, str] = field(default_factory=dict)
    hold: set[str] = field(default_factory=set)
    """Paths whose request is held open until `release` is set."""
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def loopback_server() -> Iterator[Loopback]:
    """Run a recording HTTP server on a free port of 127.0.0.1 for the duration of the block."""
    state: dict[str, Loopback] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server = state["server"]
            server.requests.append(self.path)
            if self.path in server.hold:
                server.arrived.set()
                server.release.wait(60)
            if self.path in server.redirects:
                self.send_response(302)
                self.send_header("Location", server.redirects[self.path])
                self.end_headers()
                return
            body, kind = server.files.get(self.path, (b"not found", "text/plain"))
            self.send_response(200 if self.path in server.files else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(OSError):  # the client may have given up
                self.wfile.write(body)

        do_HEAD = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state["server"] = Loopback(httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["server"]
    finally:
        state["server"].release.set()
        httpd.shutdown()
        httpd.server_close()
