"""`briefing check`, the author's assistant: every finding about a project, with its file and line.

One module per family of findings:

- `references`: unknown citation keys, references nothing cites, page locators on sources
  without pages, archive-file names that are not plain file names;
- `structure`: a `#` heading in a body, skipped heading levels, images without alt text;
- `freshness`: sections reviewed longer ago than the review interval (by the source date);
- `coverage`: factual paragraphs, bullets and rows of sector chapters that cite nothing,
  and figures stated without a citation;
- `factcheck`: figures in citing sentences that the cited sources' archived texts do not state;
- `budget`: chapters longer than their `pages:` budget in the laid-out edition.

`run.check_project` runs them all; `report` turns the result into text or JSON. Codes and
severities are listed in `finding.CODES`.
"""
