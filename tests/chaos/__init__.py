"""Fault injection against the whole stack (a package: its stack stops after its last test)."""
