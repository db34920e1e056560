"""Request and response schemas of ticket-service."""
