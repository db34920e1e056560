"""The HDMS pytest plugin and the real-server harness it uses (loaded via the pytest11 entry point)."""
