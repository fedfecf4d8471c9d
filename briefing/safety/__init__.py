"""Every door content could open: sanitising, the sandboxed fetcher, remote hosts, confinement."""
