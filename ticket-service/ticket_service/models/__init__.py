"""ticket-service tables: tickets, sub_tickets, approvals, approval_decisions, audit_logs,
ticket_outbox, idempotency_keys."""

from ticket_service.models.approvals import Approval, ApprovalDecision
from ticket_service.models.audit import AuditLog
from ticket_service.models.idempotency import IdempotencyKey
from ticket_service.models.outbox import OutboxEvent
from ticket_service.models.sub_tickets import SubTicket
from ticket_service.models.tickets import Ticket

__all__ = [
    "Approval",
    "ApprovalDecision",
    "AuditLog",
    "IdempotencyKey",
    "OutboxEvent",
    "SubTicket",
    "Ticket",
]
