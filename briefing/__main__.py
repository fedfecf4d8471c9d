"""`python -m briefing`."""

from briefing.fastpath import main

main()
