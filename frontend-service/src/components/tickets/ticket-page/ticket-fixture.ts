/** A complete ticket for tests, with the fields a test cares about overridden. */
import type { Ticket } from "@/services/api/types";

export function makeTicket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: "5c70fc76-77c6-4d9f-a8fb-b0d5a1d453f8",
    number: "HD-000001",
    title: "Printer jams",
    description: "On every page.",
    department_id: "1282174c-e8b7-4b29-b342-a9cc3cff01e2",
    requestor_id: "4879410b-d62c-4097-b027-a250da47fb6f",
    assignee_id: null,
    priority: "medium",
    category: "",
    status: "new",
    version: 1,
    progress: 0,
    postponed_from: null,
    resume_at: null,
    acknowledged_at: null,
    resolved_at: null,
    closed_at: null,
    resolution_note: null,
    first_response_due_at: "2026-11-30T13:00:00+00:00",
    resolution_due_at: "2026-12-01T17:00:00+00:00",
    first_response_breached_at: null,
    resolution_breached_at: null,
    sla_status: "on_track",
    sla_clock: "first_response",
    attachments: [],
    allowed_actions: [],
    created_at: "2026-11-27T17:41:03+00:00",
    updated_at: "2026-11-27T17:41:03+00:00",
    ...overrides,
  } as Ticket;
}
