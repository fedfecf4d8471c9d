"""Issue 5: a build reads nothing outside the project and reaches no network, at two layers.

The raw HTML audit refuses hostile content before anything is rendered (the CLI tests); the
sandboxed fetcher and the attachment guard hold even when hostile HTML reaches WeasyPrint
directly (the tests that bypass the sanitiser). A positive control shows that WeasyPrint's
own fetcher does leak, so the leak checks can fail.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import copy_fixture, run_briefing, tool
from loopback import TINY_PNG, loopback_server

HOSTNAME = Path("/etc/hostname")
FRONT = "---\ntitle: Hostile Input\nsector: context\norder: 9\nlevel: public\n---\n\n"  # body from line 8
PREVIOUS = b"%PDF-1.7\n% previous output\n"


def _project(tmp_path: Path, body: str, files: dict[str, str] | None = None) -> Path:
    project = copy_fixture("secure", tmp_path)
    (project / "content" / "hostile.md").write_text(FRONT + body, "utf-8")
    for name, text in (files or {}).items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    (project / "build").mkdir()
    (project / "build" / "out.pdf").write_bytes(PREVIOUS)
    return project


def _leaks(pdf: bytes, secret: bytes, tmp_path: Path) -> list[str]:
    """How the PDF carries `secret` (empty: it does not). Streams are decompressed with qpdf."""
    source = tmp_path / "leak-check.pdf"
    source.write_bytes(pdf)
    qdf = subprocess.run([tool("qpdf"), "--qdf", "--object-streams=disable", str(source), "-"],
                         capture_output=True, check=False).stdout
    assert qdf.startswith(b"%PDF"), "qpdf could not read the PDF"
    found = []
    if b"/EmbeddedFile" in qdf or b"/FileAttachment" in qdf:
        found.append("an embedded file")
    if b"stream\n" + secret in qdf:
        found.append("a stream holding the file")
    if len(secret.strip()) >= 8 and (secret.strip() in pdf or secret.strip() in qdf):
        found.append("the file's bytes")
    return found


def _render_unsanitised(html: str, project: Path, fetcher_for: str = "sandbox") -> tuple[bytes, list[str]]:
    """Lay out hostile HTML as render_pdf does, but without the sanitiser in front and always
    writing the PDF: only the fetcher and the attachment guard stand between it and the disk."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from briefing.book.render_html import PROJECT_URL
    from briefing.project.theme import Theme
    from briefing.safety.fetch import SandboxPolicy, disable_attachments, make_fetcher

    policy = SandboxPolicy(project, Theme((), ()))
    fetcher = make_fetcher(policy) if fetcher_for == "sandbox" else URLFetcher()
    document = HTML(string=html, base_url=f"{PROJECT_URL}content/", url_fetcher=fetcher).render()
    if fetcher_for == "sandbox":
        disable_attachments(document, policy)
    return document.write_pdf(), [f"{r.url} {r.reason}" for r in policy.refusals]


ROUTES = """<html><head>
<link rel="stylesheet" href="{url}">
<link rel="attachment" href="{url}" title="leak">
<style>@import url("{url}"); p {{ background: url("{url}") }}</style>
</head><body>
<p>Text <img src="{url}" alt="i"> <a href="{url}">link</a> <a rel="attachment" href="{url}">att</a></p>
<p style="background-image: url('{url}')">styled</p>
<object data="{url}"></object><embed src="{url}"><iframe src="{url}"></iframe>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{url}" width="5" height="5"/></svg>
</body></html>"""


def test_acceptance_etc_hostname_as_image_link_stylesheet_attachment(tmp_path: Path) -> None:
    """Issue 5 acceptance, through the command line: each route is an error at its own line,
    and no PDF (so none of the file's bytes) is written; the previous output stays."""
    body = ("An image:\n\n![host](file:///etc/hostname)\n\n"          # line 10
            "A [link](file:///etc/hostname).\n\n"                      # line 12
            '<link rel="stylesheet" href="file:///etc/hostname">\n\n'  # line 14
            '<link rel="attachment" href="file:///etc/hostname">\n\n'  # line 16
            '<a rel="attachment" href="img/dot.png">embedded</a>\n')   # line 18
    project = _project(tmp_path, body)
    result = run_briefing("build", "-o", "build/out.pdf", cwd=project)
    assert result.code == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for where, message in [("content/hostile.md:10", "image 'file:///etc/hostname'"),
                           ("content/hostile.md:12", "link 'file:///etc/hostname'"),
                           ("content/hostile.md:14", "raw HTML <link> is not allowed"),
                           ("content/hostile.md:16", "raw HTML <link> is not allowed"),
                           ("content/hostile.md:18", '<a rel="attachment">: PDF attachments are never created')]:
        assert any(line.startswith(where + ": ") and message in line for line in lines), (where, result.stderr)
    assert (project / "build" / "out.pdf").read_bytes() == PREVIOUS
    assert sorted(p.name for p in (project / "build").iterdir() if not p.name.startswith(".")) == ["out.pdf"]


@pytest.mark.skipif(not HOSTNAME.is_file(), reason="needs /etc/hostname")
def test_acceptance_holds_at_the_weasyprint_level_without_the_sanitiser(tmp_path: Path) -> None:
    """Every route to /etc/hostname, a secret file outside the project and a project file as an
    attachment, handed to WeasyPrint unsanitised: the PDF carries none of them, and each refusal
    is recorded (so the build reports it)."""
    project = copy_fixture("secure", tmp_path)
    secret = tmp_path / "outside-secret.txt"
    secret.write_bytes(b"TOP-SECRET-7f3a9c2e51d84b06-do-not-print\n")
    html = "".join(ROUTES.format(url=url) for url in
                   ("file:///etc/hostname", secret.as_uri(), "../briefing.yaml", "../../outside-secret.txt"))
    pdf, refusals = _render_unsanitised(html, project)
    for data in (HOSTNAME.read_bytes(), secret.read_bytes(), (project / "briefing.yaml").read_bytes()):
        assert _leaks(pdf, data, tmp_path) == []
    refused = "\n".join(refusals)
    assert "file:///etc/hostname files outside the project may not be read" in refused
    assert f"{secret.as_uri()} files outside the project may not be read" in refused
    assert "'.yaml' files are not loaded" in refused
    assert "PDF attachments are never created from content" in refused


@pytest.mark.skipif(not HOSTNAME.is_file(), reason="needs /etc/hostname")
def test_positive_control_weasyprints_own_fetcher_does_embed_the_file(tmp_path: Path) -> None:
    """Without briefing's fetcher, `<link rel="attachment">` embeds the local file: the leak
    check above is able to see a leak."""
    secret = tmp_path / "outside-secret.txt"
    secret.write_bytes(b"TOP-SECRET-7f3a9c2e51d84b06-do-not-print\n")
    html = f'<html><head><link rel="attachment" href="{secret.as_uri()}"></head><body><p>x</p></body></html>'
    pdf, _ = _render_unsanitised(html, tmp_path, fetcher_for="weasyprint")
    assert "an embedded file" in _leaks(pdf, secret.read_bytes(), tmp_path)
    assert "a stream holding the file" in _leaks(pdf, secret.read_bytes(), tmp_path)


def test_loopback_server_gets_no_request_from_content(tmp_path: Path) -> None:
    """Content naming a local server as image, stylesheet, @import, font and attachment: every
    use is refused at its line before anything is fetched, and the server sees nothing."""
    with loopback_server() as server:
        u = server.url
        body = (f"![img]({u('/image.png')})\n\n"                                                # line 8
                f'<link rel="stylesheet" href="{u("/sheet.css")}">\n\n'                         # line 10
                f'<style>@import url("{u("/import.css")}");\n'                                  # line 12
                f'@font-face {{ font-family: X; src: url("{u("/font.ttf")}") }}</style>\n\n'
                f'<link rel="attachment" href="{u("/attach.txt")}">\n\n'                        # line 15
                f'<span style="background: url({u("/bg.png")})">x</span>\n')                    # line 17
        project = _project(tmp_path, body)
        result = run_briefing("build", "-o", "build/out.pdf", cwd=project)
        assert server.requests == []
    assert result.code == 1 and "Traceback" not in result.stderr
    for where, message in [("content/hostile.md:8", "remote images are not fetched"),
                           ("content/hostile.md:10", "raw HTML <link> is not allowed"),
                           ("content/hostile.md:12", "raw HTML <style> is not allowed"),
                           ("content/hostile.md:15", "raw HTML <link> is not allowed"),
                           ("content/hostile.md:17", "inline style on <span> may not use url()")]:
        assert any(line.startswith(where + ": ") and message in line
                   for line in result.stderr.splitlines()), (where, result.stderr)
    assert (project / "build" / "out.pdf").read_bytes() == PREVIOUS


def test_loopback_server_gets_no_request_from_the_projects_stylesheet(tmp_path: Path) -> None:
    """The project's own CSS (which the audit does not see) is held by the fetcher."""
    with loopback_server() as server:
        u = server.url
        css = (f'@import url("{u("/import.css")}");\n'
               f'@font-face {{ font-family: Leak; src: url("{u("/font.ttf")}"); }}\n'
               f'body {{ font-family: Leak, serif; background: url("{u("/bg.png")}"); }}\n')
        project = _project(tmp_path, "Plain text.\n", {"styles/paper-a4.css": css})
        result = run_briefing("build", "-o", "build/out.pdf", cwd=project)
        assert server.requests == []
    assert result.code == 1 and "Traceback" not in result.stderr
    for path, line in [("/import.css", 1), ("/font.ttf", 2), ("/bg.png", 3)]:
        assert any(row.startswith(f"styles/paper-a4.css:{line}: refused resource '{u(path)}': network access "
                                  "is not allowed") for row in result.stderr.splitlines()), (path, result.stderr)


def test_loopback_server_gets_no_request_from_unsanitised_html(tmp_path: Path) -> None:
    """Even hostile HTML that skipped the sanitiser fetches nothing from the network."""
    with loopback_server() as server:
        pdf, refusals = _render_unsanitised(ROUTES.format(url=server.url("/x")), copy_fixture("secure", tmp_path))
        assert server.requests == []
    assert pdf.startswith(b"%PDF")
    assert any("network access is not allowed" in r for r in refusals)
    assert any("PDF attachments are never created from content" in r for r in refusals)


def _remote_config(port: int, extra: str = "") -> str:
    return ("title: Secure Fixture\ndefault_edition: full\ndate: 2025-01-15\n"
            f"remote:\n  allow_hosts: ['127.0.0.1:{port}']\n  timeout: 5\n{extra}")


def test_remote_hosts_are_fetched_only_when_named(tmp_path: Path) -> None:
    """With `remote: allow_hosts`, the named host:port is fetched (once) and the image printed;
    a redirect, an oversized file and the same host on another port are refused."""
    with loopback_server() as server:
        server.files["/ok.png"] = (TINY_PNG, "image/png")
        project = _project(tmp_path, f"![ok]({server.url('/ok.png')})\n",
                           {"briefing.yaml": _remote_config(server.port)})
        result = run_briefing("build", "-o", "build/out.pdf", cwd=project)
        assert result.code == 0, result.stderr
        assert set(server.requests) == {"/ok.png"}  # (each render worker may fetch it once)
        from pypdf import PdfReader

        assert any(page.images for page in PdfReader(str(project / "build" / "out.pdf")).pages)

        server.requests.clear()
        server.redirects["/moved.png"] = "http://example.org/elsewhere.png"
        server.files["/big.png"] = (TINY_PNG + b"\0" * 4096, "image/png")
        body = (f"![moved]({server.url('/moved.png')})\n\n"                    # line 8
                f"![big]({server.url('/big.png')})\n")                          # line 10
        (project / "content" / "hostile.md").write_text(FRONT + body, "utf-8")
        (project / "briefing.yaml").write_text(_remote_config(server.port, "  max_bytes: 2048\n"), "utf-8")
        before = (project / "build" / "out.pdf").read_bytes()
        result = run_briefing("build", "-o", "build/out.pdf", cwd=project)
        assert set(server.requests) == {"/big.png", "/moved.png"}
        rows = result.stderr.splitlines()
        assert result.code == 1 and "Traceback" not in result.stderr
        assert any(r.startswith("content/hostile.md:8: ") and "redirects are not followed" in r for r in rows), rows
        assert any(r.startswith("content/hostile.md:10: ") and "over the 2,048-byte limit" in r for r in rows), rows

        server.requests.clear()
        (project / "content" / "hostile.md").write_text(
            FRONT + f"![other](http://127.0.0.1:{server.port + 1}/x.png)\n", "utf-8")
        result = run_briefing("build", "-o", "build/out.pdf", cwd=project)
        assert server.requests == []
    assert result.code == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("content/hostile.md:8: ") and "remote images are not fetched" in result.stderr
    assert (project / "build" / "out.pdf").read_bytes() == before


def test_remote_settings_are_validated(tmp_path: Path) -> None:
    project = _project(tmp_path, "Text.\n", {"briefing.yaml": (
        "title: Secure Fixture\ndate: 2025-01-15\nremote:\n  allow_hosts: ['https://example.org/x']\n"
        "  timeout: 500\n")})
    result = run_briefing("check", cwd=project)
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "briefing.yaml:4: " in result.stderr and "is not a host name" in result.stderr
    assert "briefing.yaml:5: " in result.stderr
