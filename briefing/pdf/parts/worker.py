"""A rendering worker: a separate process that lays parts out and writes their PDFs.

Forked by `briefing.pdf.parts.zygote` (Linux: WeasyPrint already imported) or started by
`briefing.pdf.parts.pool` as `python -m briefing.pdf.parts.worker`; it imports WeasyPrint
once, keeps one FontConfiguration, and answers requests read from stdin (length-prefixed
pickles, see `render_pool.send`/`receive`) until stdin closes:

- ("layout", key, html, base_url, policy, footnote_start, footnotes, keep) → `Laid`
- ("finish", key, offset, total, pdf_options) → `Finished`
- ("whole", key, html, base_url, policy, footnote_start, footnotes, offset, total, pdf_options) →
  `Finished` with its `Laid`: a part laid out and written at once, numbered as the parent guessed
- ("drop", key) → nothing (forget a laid-out part)
- ("call", key, "module:function", args, kwargs) → `Returned`, or `Raised`: any importable
  function, for `render_pool.run_calls`

Any failure answers `Failed`; the parent then renders in one pass (`worker_messages`).
Laid-out parts stay in this process between "layout" and "finish": WeasyPrint documents
cannot be pickled, and page numbers are known only once every part is laid out. To keep a
big book in bounded memory, a part laid out while the process is over its memory budget
(`BRIEFING_WORKER_MIB`, default 200 MiB of resident memory) is not kept (`held` is False)
unless the request says `keep`:
only its page count and anchors are reported, and the parent has it laid out again, with
its page numbers, when it is finished.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import pickle
import sys
import traceback
from typing import Any, BinaryIO

from briefing.pdf.parts.messages import Failed, Finished, Laid, Raised, Ready, Returned
from briefing.pdf.parts.pool import mark_worker, receive, send


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(("No anchor #", "Content discarded: target points to undefined anchor")):
            # links to other parts: resolved (or dropped) when the book is assembled
            self.messages.append(message)


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    """Answer requests until the parent closes the pipe."""
    from briefing.pdf.parts.layout import finish_part, layout_part
    from briefing.pdf.render_pdf import font_configuration

    font_config = font_configuration()
    parts: dict[str, Any] = {}
    collect = _Collect()
    logging.getLogger("weasyprint").addHandler(collect)
    send(replies, Ready())
    while (request := receive(requests)) is not None:
        kind, key = request[0], request[1]
        collect.messages = []
        refusals: list[Any] = []
        try:
            if kind == "layout":
                _, _, html, base_url, policy, footnote_start, footnotes, keep = request
                part = layout_part(html, base_url, policy, font_config, footnote_start, footnotes)
                refusals = part.policy.refusals
                held = keep or resident_mib() < memory_budget_mib()
                if held:
                    parts[key] = part
                reply: Laid | Finished = Laid(key, part.pages, part.anchors, list(collect.messages), list(refusals),
                                              held, dict(part.patches), part.footnotes_reused)
                del part
                send(replies, reply)
                if held:
                    keep_out_of_collections()
                else:
                    release_memory()
            elif kind == "finish":
                _, _, offset, total, pdf_options = request
                part = parts.pop(key)
                data = finish_part(part, offset, total, pdf_options)
                reply = Finished(key, data, list(part.policy.refusals), list(collect.messages), len(part.page_boxes))
                del part
                send(replies, reply)
                if not parts:
                    release_memory(everything=True)
            elif kind == "whole":
                _, _, html, base_url, policy, footnote_start, footnotes, offset, total, pdf_options = request
                part = layout_part(html, base_url, policy, font_config, footnote_start, footnotes)
                refusals = part.policy.refusals
                laid = Laid(key, part.pages, part.anchors, [], [], False, dict(part.patches), part.footnotes_reused)
                data = finish_part(part, offset, total, pdf_options)
                reply = Finished(key, data, list(part.policy.refusals), list(collect.messages), len(part.page_boxes),
                                 laid)
                del part
                send(replies, reply)
                if not parts and resident_mib() >= memory_budget_mib():
                    release_memory(everything=True)
            elif kind == "drop":
                parts.pop(key, None)
                if not parts:
                    release_memory(everything=True)
            elif kind == "call":
                _, _, target, args, kwargs = request
                module, _, name = target.partition(":")
                value = getattr(importlib.import_module(module), name)(*args, **kwargs)
                send(replies, Returned(key, value, list(collect.messages)))
        except Exception as exc:  # reported to the parent, which falls back to one pass
            parts.pop(key, None)
            if kind == "call":
                send(replies, Raised(key, _picklable(exc)))
                continue
            detail = f"{type(exc).__name__}: {exc}"
            if os.environ.get("BRIEFING_DEBUG"):
                detail += "\n" + traceback.format_exc()
            send(replies, Failed(key, detail, refusals))


def memory_budget_mib() -> float:
    """Resident memory above which a laid-out part is not kept (`BRIEFING_WORKER_MIB`)."""
    try:
        return float(os.environ.get("BRIEFING_WORKER_MIB", "") or 200)
    except ValueError:
        return 200.0


def resident_mib() -> float:
    """This process's resident memory, from /proc (0 where there is none: keep every part)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def keep_out_of_collections() -> None:
    """Keep what this worker holds now (a part laid out and kept for finishing) out of the cycle
    collector's passes from now on.

    A collection walks every object it tracks: with dozens of parts held (a 300-page book), the
    collection after each part written walked all of them, and took half the writing phase
    (29 s of CPU over 86 parts). What the newest part left behind is collected first; then
    everything alive is frozen (`gc.freeze`), so later passes walk only what is new. Frozen
    objects that become garbage wait for `release_memory(everything=True)`."""
    import gc

    gc.collect()
    gc.freeze()


def release_memory(everything: bool = False) -> None:
    """Free what a dropped or finished part held, and give freed heap back to the system (glibc);
    `everything` (when the worker holds no part) also collects what was frozen."""
    import gc

    if everything:
        gc.unfreeze()
    gc.collect()
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _picklable(exc: Exception) -> Exception:
    """The exception itself when it survives pickling (a UserError with its problems), else its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def main(requests: BinaryIO | None = None, replies: BinaryIO | None = None) -> None:
    """Serve on stdin/stdout (binary), or the given pipes (a worker forked by `zygote`); nothing
    else may write to the replies."""
    from briefing.cli.interrupt import install_signal_handlers

    install_signal_handlers()  # terminate() unwinds, so WeasyPrint removes its temporary font folder
    mark_worker()
    requests = requests or sys.stdin.buffer
    replies = replies or sys.stdout.buffer
    sys.stdout = sys.stderr
    with contextlib.suppress(KeyboardInterrupt):  # stopped by the parent or Ctrl-C: end quietly, cleaning up
        serve(requests, replies)


if __name__ == "__main__":
    main()
