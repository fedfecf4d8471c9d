"""The parallel, cached layout, equal to one pass: the only home of WeasyPrint internals."""
