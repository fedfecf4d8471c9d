"""One module per command; `briefing/cli.py` lists them and imports each only when it runs."""
