"""Issue 5, nothing lost: a build stopped at any point keeps the previous output and leaves no
temporary file, whether it is interrupted (Ctrl-C, a kill) or fails inside the renderer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_fixture
from loopback import TINY_PNG, loopback_server

PREVIOUS = b"%PDF-1.7\n% the previous build's output\n"
FRONT = "---\ntitle: Slow\nsector: context\norder: 9\nlevel: public\n---\n\n"


def _project(tmp_path: Path, body: str = "Plain words.\n", config_extra: str = "") -> Path:
    project = copy_fixture("secure", tmp_path)
    (project / "content" / "slow.md").write_text(FRONT + body, "utf-8")
    if config_extra:
        with (project / "briefing.yaml").open("a", encoding="utf-8") as stream:
            stream.write(config_extra)
    (project / "build").mkdir()
    (project / "build" / "out.pdf").write_bytes(PREVIOUS)
    return project


def _assert_nothing_lost(project: Path) -> None:
    build = project / "build"
    assert (build / "out.pdf").read_bytes() == PREVIOUS
    left = sorted(p.name for p in build.iterdir() if p.name != ".cache")  # .cache: the caches' folder
    assert left == ["out.pdf"], "a temporary file was left behind"


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_a_build_killed_mid_render_keeps_the_previous_output(how: str, tmp_path: Path) -> None:
    """The book's only image comes from a local server that holds the request open: when it
    arrives, the build is inside WeasyPrint's layout. Then it is interrupted: Ctrl-C (SIGINT to
    the whole process group, as a terminal sends it) or SIGTERM to the process (a CI cancel)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    with loopback_server() as server:
        server.files["/slow.png"] = (TINY_PNG, "image/png")
        server.hold.add("/slow.png")
        project = _project(tmp_path, f"![slow]({server.url('/slow.png')})\n",
                           f"remote:\n  allow_hosts: ['127.0.0.1:{server.port}']\n  timeout: 60\n")
        process = subprocess.Popen([sys.executable, "-m", "briefing", "build", "--force", "-o", "build/out.pdf"],
                                   cwd=project, env={**os.environ, "TMPDIR": str(temp)}, start_new_session=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert server.arrived.wait(300), "the build never asked for the image"
            if how == "ctrl-c":
                os.killpg(process.pid, signal.SIGINT)
            else:
                process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == (130 if how == "ctrl-c" else 143), stderr
    assert "Traceback" not in stderr
    assert stderr.strip() == "briefing: interrupted; no output was changed"
    _assert_nothing_lost(project)
    assert sorted(temp.iterdir()) == [], "temporary files were left in TMPDIR"


def _run(project: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    from briefing.cli.app import main

    monkeypatch.chdir(project)
    monkeypatch.setenv("BRIEFING_RENDER", "single")  # render in this process, where the fault is injected
    result = CliRunner().invoke(main, ["build", "--force", "-o", "build/out.pdf"])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def test_a_render_error_keeps_the_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint failing while it writes the PDF (injected): exit 70, a short message, nothing lost."""
    from weasyprint.document import Document

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("injected failure in the PDF writer")

    monkeypatch.setattr(Document, "write_pdf", broken)
    project = _project(tmp_path)
    code, stderr = _run(project, monkeypatch)
    assert code == 70
    assert "internal error: RuntimeError: injected failure in the PDF writer" in stderr
    assert "Traceback" not in stderr
    _assert_nothing_lost(project)


@pytest.mark.parametrize("fault", [KeyboardInterrupt, OSError(28, "No space left on device")])
def test_an_interrupted_or_failed_write_removes_its_temporary_file(
        fault: BaseException | type[BaseException], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last step, the atomic write, stopped while the temporary file exists (at its fsync)."""
    import briefing.write

    def stopped(fd: int) -> None:
        temps = [p.name for p in (project / "build").iterdir() if p.name.endswith(".part")]
        assert temps, "the fault should strike while the temporary file exists"
        raise fault

    project = _project(tmp_path)
    monkeypatch.setattr(briefing.write.os, "fsync", stopped)
    code, stderr = _run(project, monkeypatch)
    if fault is KeyboardInterrupt:
        assert (code, stderr.strip()) == (130, "briefing: interrupted; no output was changed")
    else:
        assert code == 1 and "build/out.pdf: cannot write output: No space left on device" in stderr
    _assert_nothing_lost(project)
