"""The HDMS pytest plugin and the real-server harness it uses.

The plugin is loaded through the package's pytest11 entry point.
"""
