"""The safety settings a project may change in `briefing.yaml`: size limits and remote hosts.

Both are off or tight by default. A build never reaches the network unless the project
names the hosts it trusts under `remote: allow_hosts`, and every input file and every
resource WeasyPrint loads is capped in size so a mistaken 2 GB file fails fast.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from briefing.project.models import Project
    from briefing.project.theme import Theme
    from briefing.safety.fetch import SandboxPolicy

MB = 1024 * 1024


class Limits(BaseModel):
    """`limits:` in briefing.yaml: caps that make a mistaken or hostile input fail fast."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    input_bytes: int = Field(2 * MB, ge=1024, description="Largest Markdown, YAML or JSON input file, in bytes.")
    image_bytes: int = Field(10 * MB, ge=1024, description="Largest image, stylesheet or font the book loads (bytes).")
    image_pixels: int = Field(40_000_000, ge=1, description="Largest raster image, in pixels (width × height).")
    data_url_bytes: int = Field(2 * MB, ge=0, description="Largest `data:` URL in the content, in bytes.")


_HOST = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$")


class RemoteAccess(BaseModel):
    """`remote:` in briefing.yaml: the hosts a build may fetch images, stylesheets and fonts from.

    Off by default (no hosts): a build then never opens a network connection.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    allow_hosts: tuple[str, ...] = Field((), description="Host names (optionally host:port) that may be fetched.")
    timeout: float = Field(5.0, gt=0, le=60, description="Seconds to wait for one remote resource.")
    max_bytes: int = Field(5 * MB, ge=1024, description="Largest remote resource, in bytes.")

    @field_validator("allow_hosts")
    @classmethod
    def _plain_hosts(cls, hosts: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(h.strip().lower() for h in hosts)
        for host in cleaned:
            if not _HOST.match(host):
                raise ValueError(f"'{host}' is not a host name (write 'example.org' or 'example.org:8080', "
                                 "without scheme, path or wildcard)")
        return cleaned

    def allows(self, host: str | None, port: int | None, scheme: str) -> bool:
        """Whether a URL with this host and port may be fetched."""
        if not host:
            return False
        host = host.lower()
        default_port = 443 if scheme == "https" else 80
        for entry in self.allow_hosts:
            name, _, wanted = entry.partition(":")
            if name == host and (int(wanted) if wanted else default_port) == (port or default_port):
                return True
        return False


def sandbox_policy(project: Project, theme: Theme) -> SandboxPolicy:
    """The fetcher's policy from the project's settings (`limits:`, `remote:`): the only place one is made
    for a build, a release, a page measurement or a preview."""
    from briefing.safety.fetch import SandboxPolicy

    return SandboxPolicy(project.root, theme, project.config.limits, project.config.remote)
