"""communication-service tables: chat_tickets, chat_messages, ticket_participants, notifications."""

from communication_service.models.events import ProcessedEvent, SlaAlert
from communication_service.models.idempotency import IdempotencyKey
from communication_service.models.messages import ChatMessage
from communication_service.models.notifications import Notification
from communication_service.models.participants import ChatSubTicket, TicketParticipant
from communication_service.models.tickets import ChatTicket

__all__ = [
    "ChatMessage",
    "ChatSubTicket",
    "ChatTicket",
    "IdempotencyKey",
    "Notification",
    "ProcessedEvent",
    "SlaAlert",
    "TicketParticipant",
]
