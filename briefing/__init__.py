"""briefing: turn a folder of curated Markdown into a printable, cited PDF briefing book."""

__version__ = "0.1.0"
