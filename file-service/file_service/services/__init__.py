"""The business rules of file-service: keyword-only functions that flush and never commit."""
