"""The parent's side of the zygote (`zygote.py`): start it, ask it for workers, watch them.

`Zygote.fork()` returns a `ForkedProcess` at once, before the zygote has finished importing:
its pipes exist already, so the pool can queue requests to it, and the worker answers `Ready`
on its replies pipe once forked. `ForkedProcess` offers the part of `subprocess.Popen` the pool
uses (stdin, stdout, pid, poll, terminate, kill, wait); the worker is the zygote's child, not
ours, so its end is seen through a pidfd (or signal 0 where there is none).

`start_method()`: `BRIEFING_WORKER_START=spawn` (or a system without fork and SCM_RIGHTS)
keeps the spawned interpreters; the default on Linux is `fork`.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from typing import IO, Any

from briefing.pdf.parts.zygote import PID, SIZE


def start_method() -> str:
    """'fork' (workers forked from the zygote) or 'spawn' (one interpreter each)."""
    asked = os.environ.get("BRIEFING_WORKER_START", "").strip().lower()
    possible = sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(socket, "send_fds")
    return "fork" if possible and asked != "spawn" else "spawn"


class Zygote:
    """The process that imports WeasyPrint once and forks the workers."""

    def __init__(self, env: dict[str, str], preload: Sequence[str] = ()) -> None:
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "briefing.pdf.parts.zygote", str(theirs.fileno()), *preload],  # -P: see pool
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.stderr, env=env,
            pass_fds=(theirs.fileno(),))
        theirs.close()
        self.asked = 0
        self.pids: list[int] = []
        self.gone = False

    def warm(self, document: str, base_url: str, policy: Any) -> None:
        """Have the zygote parse the stylesheets and load the fonts of `document`'s head before it forks."""
        payload = pickle.dumps((document, base_url, policy), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.control.sendall(b"w" + SIZE.pack(len(payload)) + payload)
        except OSError:
            self.gone = True

    def fork(self) -> tuple[ForkedProcess, IO[bytes]]:
        """A new worker (forked as soon as the zygote is ready) and the file its stderr goes to."""
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the pool with the worker)
        their_requests, our_requests = os.pipe()
        our_replies, their_replies = os.pipe()
        try:
            socket.send_fds(self.control, [b"f"], [their_requests, their_replies, stderr.fileno()])
        finally:
            os.close(their_requests)
            os.close(their_replies)
        self.asked += 1
        worker = ForkedProcess(self, self.asked - 1, open(our_requests, "wb"), open(our_replies, "rb"))  # noqa: SIM115
        return worker, stderr

    def pid(self, index: int, wait: float | None) -> int | None:
        """The process id of the `index`-th worker, once the zygote has said it (None if not yet)."""
        deadline = None if wait is None else time.monotonic() + wait
        while len(self.pids) <= index:
            if self.gone:
                return None
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                if not select.select([self.control], [], [], left)[0]:
                    return None
                data = self.control.recv(PID.size, socket.MSG_WAITALL)
            except (OSError, ValueError):  # stopped (connection reset) or our socket closed
                data = b""
            if len(data) < PID.size:
                self.gone = True  # the zygote is gone: it forks no more
                return None
            self.pids.append(PID.unpack(data)[0])
        return self.pids[index]

    def alive(self) -> bool:
        return self.process.poll() is None

    def stderr_text(self) -> str:
        try:
            self.stderr.seek(0)
            return self.stderr.read().decode("utf-8", "replace")[-2000:].strip()
        except (OSError, ValueError):
            return ""

    def stop_forking(self) -> None:
        """Stop the zygote now if it has not forked every worker asked for (it is still importing or
        warming up), or was never asked for one."""
        if self.alive() and (self.asked == 0 or self.pid(self.asked - 1, 0) is None):
            self.process.terminate()
            self.process.wait()

    def close(self) -> None:
        """End the zygote (its workers end when their requests pipe closes)."""
        self.control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()  # still importing: nothing to clean up
            self.process.wait()
        self.stderr.close()


class ForkedProcess:
    """A worker forked by the zygote, seen through the part of Popen's interface the pool uses."""

    def __init__(self, zygote: Zygote, index: int, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.zygote, self.index = zygote, index
        self.stdin: IO[bytes] | None = stdin
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None
        self._pidfd: int | None = None

    @property
    def pid(self) -> int:
        return self.zygote.pid(self.index, 0) or -1

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        pid = self.zygote.pid(self.index, 0)
        if pid is None:
            if not self.zygote.alive():
                self.returncode = 1  # the zygote ended before forking this worker
            return self.returncode
        if self._pidfd is None and hasattr(os, "pidfd_open"):
            try:
                self._pidfd = os.pidfd_open(pid)
            except ProcessLookupError:
                self.returncode = 0
                return self.returncode
            except OSError:
                self._pidfd = -1
        if self._pidfd is not None and self._pidfd >= 0:
            if select.select([self._pidfd], [], [], 0)[0]:
                self.returncode = 0
        else:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        if self.returncode is not None:
            self._close_pidfd()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0)
            if self._pidfd is not None and self._pidfd >= 0:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                select.select([self._pidfd], [], [], left)
            else:
                time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, number: int) -> None:
        pid = self.zygote.pid(self.index, 0)
        if pid is not None and self.poll() is None:
            try:
                os.kill(pid, number)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def close(self) -> None:
        for stream in (self.stdin, self.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        self._close_pidfd()

    def _close_pidfd(self) -> None:
        if self._pidfd is not None and self._pidfd >= 0:
            os.close(self._pidfd)
        self._pidfd = -1 if self._pidfd is not None else None

    def __del__(self) -> Any:
        if self._pidfd is not None and self._pidfd >= 0:
            os.close(self._pidfd)
