"""auth-service business rules; routes call exactly one of these per request."""
