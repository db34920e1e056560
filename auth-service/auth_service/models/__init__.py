"""auth-service tables: auth_departments, auth_employees, auth_hdms_grants, auth_refresh_tokens."""

from auth_service.models.departments import Department
from auth_service.models.employees import Employee, HdmsGrant
from auth_service.models.idempotency import IdempotencyKey
from auth_service.models.refresh_tokens import RefreshToken

__all__ = ["Department", "Employee", "HdmsGrant", "IdempotencyKey", "RefreshToken"]
