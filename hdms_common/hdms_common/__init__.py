"""Shared library of the HDMS services.

Only what two or more services need lives here: settings, the database base, JWT auth,
problem+json errors, the API base classes, pagination, idempotency, events, service clients,
request ids and logging, health checks and the pytest plugin. No domain models.
"""
