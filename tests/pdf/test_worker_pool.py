"""The worker pool's protocol: forked or spawned workers take whole requests of any size.

A release sends each worker an edition's whole plan (the project, the theme, the HTML) in one
request, far beyond a pipe's 64 KiB buffer; a worker that read only what one system call
returned would see half a request, end, and the release would fail with a broken pipe.
"""

from __future__ import annotations

import os

import pytest

from briefing.pdf.parts.pool import RenderPool, run_calls


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_request_larger_than_a_pipe_reaches_the_worker_whole(start: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_WORKER_START", start)
    pool = RenderPool(2)
    try:
        assert pool.started == start or not hasattr(os, "fork")
        big = "briefing " * 400_000  # 3.6 MB
        assert run_calls([("builtins:len", (big,), {}), ("builtins:len", (big[:10],), {})], pool) == [len(big), 10]
        assert run_calls([("builtins:len", (big + "!",), {})], pool) == [len(big) + 1]  # the same workers, again
    finally:
        pool.close()
