"""Stages 3-5: a Project becomes one edition's book (citations, edition, Markdown, HTML)."""
