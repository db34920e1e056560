"""The business rules of communication-service: keyword-only functions that flush, never commit."""
