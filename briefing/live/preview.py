"""`briefing preview`: the book in a browser, rebuilt and reloaded on every change.

A small standard-library server (ThreadingHTTPServer) on 127.0.0.1 only. It serves its own
routes and nothing else — no file from the disk is ever served by path:

    /                     the page: every PDF page as an image, a link to the PDF, problems
    /preview.js, .css     the page's script and style (package data)
    /events               server-sent events: the state after each build attempt
    /pdf/<edition>.pdf    the last good PDF itself
    /page/<n>/<i>.png     page i of good build n, rasterised (immutable: n changes per build)

The watcher (`watch.py`) rebuilds in the main thread; the page's script listens on
/events and reloads when a newer PDF is ready, so it never polls. A failed build leaves the
last good pages on screen and lists the problems above them.
"""

from __future__ import annotations

import html
import json
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from typing import Any

from briefing.errors import Problem, UserError
from briefing.live.rasterise import PdfPages
from briefing.live.watch import BuildEvent

ASSETS = Path(__file__).resolve().parent / "preview_page"
HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 15.0
PAGE_IMAGE = re.compile(r"^/page/(\d+)/(\d+)\.png$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; script-src 'self'; style-src 'self'; "
                               "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
}


@dataclass
class PreviewState:
    """What the page shows, shared by the watcher (writer) and the request threads (readers)."""

    title: str
    edition: str
    shown: int = 0
    """Number of the build whose pages are on show (0: none yet)."""
    pages: PdfPages | None = None
    building: bool = True
    problems: list[str] = field(default_factory=list)
    version: int = 0
    closing: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def start(self, number: int, changed: tuple[Path, ...]) -> None:
        """A build began."""
        with self.changed:
            self.building = True
            self._bump()

    def finish(self, event: BuildEvent) -> None:
        """A build ended: on success show its pages, else its problems over the last good pages."""
        pages, unreadable = None, ""
        if event.result is not None:
            try:
                pages = PdfPages.open(event.result.path.read_bytes())
            except Exception as exc:  # removed or overwritten meanwhile: say so, keep the last good pages
                unreadable = f"{event.result.path}: cannot show the new PDF: {exc}"
        with self.changed:
            self.building = False
            if pages is not None and event.result is not None:
                old, self.pages, self.shown = self.pages, pages, event.number
                self.edition = event.result.edition
                self.title = event.result.book.project.config.title
                self.problems = []
                if old is not None:
                    old.close()
            else:
                self.problems = [p.format() for p in event.problems] + ([unreadable] if unreadable else [])
                if event.error is not None:
                    self.problems.append(f"internal error (a bug in briefing): {type(event.error).__name__}: "
                                         f"{event.error}")
            self._bump()

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self._bump()

    def _bump(self) -> None:
        self.version += 1
        self.changed.notify_all()

    def status(self) -> str:
        if self.building:
            return "building…"
        if self.problems:
            return f"build failed: {len(self.problems)} problem{'s' if len(self.problems) > 1 else ''}" + (
                "; showing the last good build" if self.pages else "")
        return f"up to date (build {self.shown})"

    def snapshot(self) -> dict[str, Any]:
        """The state as the page's script receives it."""
        return {"shown": self.shown, "building": self.building, "problems": list(self.problems),
                "status": self.status()}


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server, bound to 127.0.0.1; request threads never keep the process alive."""

    daemon_threads = True

    def __init__(self, port: int, state: PreviewState, log: Callable[[str], None] | None = None) -> None:
        self.state = state
        self.log = log
        super().__init__((HOST, port), PreviewHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that drops its connection is not news; anything else is one line, never a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, OSError)):
            return
        if self.log is not None:
            self.log(f"preview: a request failed: {type(error).__name__}: {error}")

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD on the preview's own routes; everything else is 404 or 405."""

    server: PreviewServer

    def version_string(self) -> str:
        return "briefing-preview"

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        if not self._host_allowed():
            return self._send(HTTPStatus.FORBIDDEN, b"forbidden host\n", "text/plain", head=head)
        path = self.path.split("?", 1)[0]
        state = self.server.state
        if path == "/":
            return self._send(HTTPStatus.OK, self._page().encode("utf-8"), "text/html; charset=utf-8", head=head)
        if path in ("/preview.js", "/preview.css"):
            kind = "text/javascript" if path.endswith(".js") else "text/css"
            data = (ASSETS / path.lstrip("/")).read_bytes()
            return self._send(HTTPStatus.OK, data, f"{kind}; charset=utf-8", head=head)
        if path == "/events" and not head:
            return self._events()
        with state.changed:
            pages, shown, edition = state.pages, state.shown, state.edition
        if pages is not None and path == f"/pdf/{edition}.pdf":
            return self._send(HTTPStatus.OK, pages.data, "application/pdf", head=head, policy=False,
                              extra={"Content-Disposition": f'inline; filename="{edition}.pdf"'})
        match = PAGE_IMAGE.match(path)
        if pages is not None and match and int(match.group(1)) == shown:
            try:
                data = pages.png(int(match.group(2)) - 1)
            except IndexError:
                data = b""
            if data:
                return self._send(HTTPStatus.OK, data, "image/png", head=head,
                                  cache="public, max-age=31536000, immutable")
        return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", head=head)

    def _host_allowed(self) -> bool:
        """Only requests addressed to this server by loopback name: no DNS rebinding from a web page."""
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in (f"{HOST}:{port}", f"localhost:{port}")

    def _page(self) -> str:
        state = self.server.state
        with state.changed:
            pages, shown, edition = state.pages, state.shown, state.edition
            problems, status = list(state.problems), state.status()
            status_class = "building" if state.building else "failed" if problems else "ok"
        if pages is None:
            images = "<p>No PDF yet: it appears here as soon as a build succeeds.</p>"
            link = ""
        else:
            images = "\n".join(
                f'<img src="/page/{shown}/{i}.png" width="{round(w * 4 / 3)}" height="{round(h * 4 / 3)}" '
                f'alt="Page {i} of {len(pages.sizes)}" loading="lazy">'
                for i, (w, h) in enumerate(pages.sizes, start=1))
            link = f'<a href="/pdf/{html.escape(edition)}.pdf">PDF ({len(pages.sizes)} pages)</a>'
        template = Template((ASSETS / "index.html").read_text("utf-8"))
        return template.substitute(
            title=html.escape(state.title), edition=html.escape(edition), shown=shown, pdf_link=link,
            status=html.escape(status), status_class=status_class, pages=images,
            problems="".join(f"<li>{html.escape(p)}</li>" for p in problems))

    def _events(self) -> None:
        """Stream the state now and after every change, with a comment line now and then to notice a gone client."""
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1

        def news() -> bool:
            return state.version != seen or state.closing

        try:
            while True:
                with state.changed:
                    state.changed.wait_for(news, KEEPALIVE_SECONDS)
                    if state.closing:
                        return
                    fresh, seen = state.version != seen, state.version
                    data = json.dumps(state.snapshot())
                self.wfile.write(f"event: state\ndata: {data}\n\n".encode() if fresh else b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return

    def _send(self, status: HTTPStatus, body: bytes, kind: str, *, head: bool = False, cache: str = "no-store",
              policy: bool = True, extra: dict[str, str] | None = None) -> None:
        """One whole response; `policy=False` leaves out the page's content policy (the browser's PDF viewer)."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        headers = {k: v for k, v in SECURITY_HEADERS.items() if policy or k != "Content-Security-Policy"}
        for name, value in {**headers, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Requests go to the server's `log` (the command line shows them with --verbose), not stderr."""
        if self.server.log is not None:
            self.server.log(f"preview: {self.address_string()} {format % args}")


def start_server(port: int, state: PreviewState, log: Callable[[str], None] | None = None) -> PreviewServer:
    """Bind 127.0.0.1:`port` (0: any free port) and serve in a background thread."""
    try:
        server = PreviewServer(port, state, log)
    except OSError as exc:
        hint = "pass --port with another number, or --port 0 for any free port"
        message = f"cannot listen on {HOST}:{port}: {exc.strerror or exc}; {hint}"
        raise UserError([Problem(Path.cwd(), 0, message)]) from None
    threading.Thread(target=server.serve_forever, name="briefing-preview", daemon=True).start()
    return server

