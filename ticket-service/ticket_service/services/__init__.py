"""The business rules of ticket-service: keyword-only verb_noun functions that flush."""
