"""Stage 6: the book's HTML becomes PDF bytes (WeasyPrint, fonts, tagging)."""
