"""The process environment a reproducible release renders in.

WeasyPrint never reads `SOURCE_DATE_EPOCH`, but fontTools' subsetter (WeasyPrint's fallback when
HarfBuzz's subsetter is missing) stamps the current time into every embedded font unless it is
set; so it is set here, from the project's source date, for the duration of the release. The
time zone is pinned to UTC for the same span (nothing should read local time; this makes sure).
Fonts come from the tool: see `isolate_fonts`.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def pinned_environment(source_date: dt.datetime) -> Iterator[int]:
    """Set SOURCE_DATE_EPOCH (unless the user set it) and TZ=UTC; restore both afterwards.

    Yields the epoch in force.
    """
    saved = {name: os.environ.get(name) for name in ("SOURCE_DATE_EPOCH", "TZ")}
    epoch = saved["SOURCE_DATE_EPOCH"] or str(int(source_date.timestamp()))
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield int(epoch)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        time.tzset()


def isolate_fonts() -> Path:
    """Make fontconfig see only the fonts bundled with the tool, never the machine's.

    Overrides any `FONTCONFIG_FILE` the caller set (the point is that the machine's font setup
    cannot matter). Must run before WeasyPrint is imported: WeasyPrint loads a fontconfig
    configuration at import time. Returns the configuration file in force.
    """
    from briefing.errors import Problem, UserError
    from briefing.pdf.fonts import bundled_font_dir, bundled_font_files, isolate_fontconfig

    if not bundled_font_files():
        raise UserError([Problem(bundled_font_dir(), 0, "no bundled font files here: a release renders only with "
                                 "the fonts that come with briefing (reinstall briefing to restore them)")])
    return isolate_fontconfig()
