"""The virtual URLs under which rendering sees the project and the theme (no imports: workers load it cheaply).

The real checkout path never reaches the PDF, so the bytes do not depend on where the project
lives; the sandboxed fetcher maps these prefixes back to the real folders.
"""

PROJECT_URL = "file:///briefing/project/"
"""Virtual URL of the project folder."""
THEME_URL = "file:///briefing/theme/"
"""Virtual URL of the style chain (project styles, then the built-in ones)."""
