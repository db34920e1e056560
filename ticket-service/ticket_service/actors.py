"""Who ticket-service is when it acts on its own (sweeps, automatic transitions).

Kept apart from the services so that the life cycle (fsm), which gives this actor the system
role, and the services, which act as it, can both import it.
"""

from __future__ import annotations

from hdms_common.auth import CurrentUser, service_user_id

SERVICE_NAME = "ticket-service"
SYSTEM_ACTOR = CurrentUser(
    id=service_user_id(SERVICE_NAME),
    employee_code=f"svc-{SERVICE_NAME}",
    name=SERVICE_NAME,
    department_id=None,
    roles=frozenset(),
)


def is_system(actor: CurrentUser) -> bool:
    """Whether ``actor`` is this service acting on its own (sweeps, automatic transitions)."""
    return actor.id == SYSTEM_ACTOR.id
