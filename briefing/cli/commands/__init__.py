"""One module per command; `briefing/cli/app.py` lists them and imports each only when it runs."""
