"""`briefing build --watch` and `briefing preview`: rebuild and show on every change."""
