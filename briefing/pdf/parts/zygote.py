"""A warm parent for the rendering workers (Linux): import WeasyPrint once, then fork a worker per request.

A spawned worker (`python -m briefing.pdf.parts.worker`) spends about a second of CPU
importing WeasyPrint, loading Pango, HarfBuzz and Fontconfig and making its first layout,
before it can do any work, and every worker pays it. The zygote pays it once: the pool starts
it as `python -m briefing.pdf.parts.zygote FD` at the beginning of a build (it imports while
the parent converts the Markdown), then sends it one request per worker over the Unix socket
FD, each carrying three file descriptors (the worker's requests pipe, its replies pipe, its
stderr) with SCM_RIGHTS. The zygote forks; the child closes what it does not need and serves
exactly as a spawned worker does (`worker.serve`), and the zygote answers with the child's
process id. The child's memory is the zygote's, shared copy-on-write until written.

Before the first fork the parent may send the book's head (`warm`): the zygote lays out a few
words under it, so it parses the stylesheets and loads the fonts they declare once, and every
worker it forks then finds them parsed and loaded (`layout._stylesheets_remembered`, keyed by
the head's stylesheets and the files' sizes and times, and the FontConfiguration's font
folder, which the zygote owns and removes when it ends). If that warm-up was refused a
resource, it keeps nothing: each worker then meets the refusal itself and reports it.

The zygote ends when the parent closes the socket (or dies). Whether forked or spawned, a
worker gives the same bytes (the equivalence tests build both ways).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import socket
import struct
import sys
from typing import Any

PID = struct.Struct("!i")
SIZE = struct.Struct("!Q")
WARM_BODY = ("<p>Briefing <b>book</b> <i>notes</i> 1234567890 한국 漢字 Монгол</p>"
             "<h2>Section</h2><table><tr><th>Sector</th><td>Mining</td></tr></table>")
"""What the warm-up lays out under the book's head: text in the faces a book uses first."""
_OWN_FOLDER: dict[str, Any] = {"folder": None}
ESSENTIAL = ("weasyprint", "weasyprint.css", "weasyprint.layout", "weasyprint.document", "weasyprint.pdf",
             "weasyprint.pdf.metadata", "weasyprint.html", "weasyprint.layout.background",
             "weasyprint.formatting_structure.build", "briefing.pdf.parts.layout", "briefing.pdf.parts.worker")


def warm_up(extra: tuple[str, ...] = ()) -> None:
    """Import what every worker needs, make the process's FontConfiguration and lay out one line,
    so that Pango's font map and HarfBuzz are loaded before any worker is forked."""
    for name in (*ESSENTIAL, *extra):
        importlib.import_module(name)
    from weasyprint import HTML

    from briefing.pdf.render_pdf import font_configuration

    config = font_configuration()
    HTML(string="<p>warm <b>up</b> <i>1</i></p>").render(font_config=config).write_pdf()


def warm_with(document: str, base_url: str, policy: Any) -> None:
    """Parse the book's stylesheets and load their fonts once, under the head the parts will have."""
    from briefing.pdf.parts import layout
    from briefing.pdf.render_pdf import font_configuration

    config = font_configuration()
    try:
        part = layout.layout_part(document, base_url, policy, config, 0, 0)
        refused = bool(part.policy.refusals)
    except Exception:  # noqa: BLE001 (a failed warm-up only means the workers do it themselves)
        refused = True
    if refused:
        layout.forget_stylesheets()
    _OWN_FOLDER["folder"] = getattr(config, "_folder", None)


def serve_forks(control: socket.socket) -> None:
    """Fork one worker per request until the parent closes the socket; warm up when asked."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system, never zombies
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1, 3)
            if message == b"w":
                (size,) = SIZE.unpack(control.recv(SIZE.size, socket.MSG_WAITALL))
                payload = bytearray()
                while len(payload) < size:
                    chunk = control.recv(min(size - len(payload), 1 << 20))
                    if not chunk:
                        return
                    payload += chunk
                warm_with(*pickle.loads(bytes(payload)))
                continue
        except (ConnectionError, OSError, struct.error):
            return
        if not message:
            return
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            return
        pid = os.fork()
        if pid == 0:
            _child(control, *fds)  # never returns
        for fd in fds:
            os.close(fd)
        try:
            control.sendall(PID.pack(pid))
        except OSError:
            return


def _child(control: socket.socket, requests: int, replies: int, stderr: int) -> None:
    """In the forked worker: serve on the given pipes, then exit without the zygote's clean-up."""
    code = 0
    try:
        control.close()
        for number in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)  # the worker installs its own SIGTERM handler
        os.dup2(stderr, 2)
        os.close(stderr)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)  # the zygote's stdin/stdout are not this worker's channel
        os.dup2(2, 1)
        os.close(devnull)
        from briefing.pdf.parts.worker import main

        with open(requests, "rb") as requests_in, open(replies, "wb") as replies_out:  # buffered: whole messages
            main(requests_in, replies_out)
    except BaseException:  # noqa: BLE001 (reported on the worker's stderr, which the parent shows)
        import traceback

        with contextlib.suppress(Exception):
            traceback.print_exc()
        code = 1
    finally:
        with contextlib.suppress(Exception):
            _remove_font_folder()
            sys.stderr.flush()
        os._exit(code)


def _remove_font_folder(owner: bool = False) -> None:
    """WeasyPrint removes its @font-face folder when the FontConfiguration is collected, which
    `os._exit` skips: a worker removes the folder it made itself, never the zygote's, which the
    zygote removes when it ends (`owner`)."""
    import shutil

    from briefing.pdf import render_pdf

    folder = getattr(render_pdf.font_configuration(), "_folder", None)
    if folder and (owner or folder != _OWN_FOLDER["folder"]):
        shutil.rmtree(folder, ignore_errors=True)


def _stopped(signum: int, frame: Any) -> None:
    """Stopped by the pool (a build that ended before its workers were forked): remove the font
    folder, which a warm-up may have filled, and end at once."""
    with contextlib.suppress(Exception):
        _remove_font_folder(owner=True)
    os._exit(128 + signum)


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    extra = tuple(name for name in sys.argv[2:] if name)
    sys.stdout = sys.stderr
    signal.signal(signal.SIGTERM, _stopped)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C reaches the whole process group: end quietly
        warm_up(extra)
        serve_forks(control)
    with contextlib.suppress(Exception):
        _remove_font_folder(owner=True)
    sys.stderr.flush()
    os._exit(0)  # nothing to clean up: skip tearing down WeasyPrint's modules (a few tenths of a second)


if __name__ == "__main__":
    main()
