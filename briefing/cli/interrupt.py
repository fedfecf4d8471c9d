"""Turn SIGTERM (and SIGHUP) into an exception, as Python already does for Ctrl-C.

By default SIGTERM ends the process at once, so no `finally` runs and a build killed while
writing would leave its temporary file behind. With this handler a kill unwinds the stack
like Ctrl-C does: the atomic writer removes its temporary file, the previous output stays.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType


class Interrupted(KeyboardInterrupt):
    """A termination signal, raised where the program was; `signum` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"received signal {signum}")
        self.signum = signum


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def install_signal_handlers() -> None:
    """Raise `Interrupted` on SIGTERM and SIGHUP (main thread only: signals are delivered there)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) in (signal.SIG_DFL, None):
            signal.signal(number, _raise)


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(128 + signum)


def finishing() -> None:
    """The work is done (or has failed): from here on a termination signal or Ctrl-C ends the
    process at once with 128 + its number, without a traceback from the exit's clean-up.
    Every output was already written atomically (or not at all), so nothing is left half-done."""
    if threading.current_thread() is not threading.main_thread():
        return
    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) in (_raise, signal.default_int_handler):
            signal.signal(number, _exit_quietly)


def exit_code(interrupt: KeyboardInterrupt) -> int:
    """The shell's convention: 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM)."""
    return 128 + getattr(interrupt, "signum", signal.SIGINT)
