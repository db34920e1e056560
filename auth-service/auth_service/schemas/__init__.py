"""marshmallow schemas of auth-service, one module per resource of api/."""
