"""`briefing release`: every edition, a manifest, checksums, and what changed since."""
