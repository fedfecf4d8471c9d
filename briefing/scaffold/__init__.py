"""`briefing init` and `briefing new`: a starter project and new sections."""
