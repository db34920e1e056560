/** Readable words for audit rows: actions, states and changed fields. */
import { statusLabel } from "@/components/tickets/ticket-badges";
import { humanize } from "@/components/tickets/ticket-page/format";

const ACTIONS: Record<string, string> = {
  create: "created the ticket",
  update: "edited the ticket",
  delete: "deleted the ticket",
  review: "started the review",
  assign: "assigned the ticket",
  reassign: "reassigned the ticket",
  reject: "rejected the ticket",
  postpone: "postponed the ticket",
  resume: "resumed the ticket",
  acknowledge: "acknowledged the ticket",
  progress: "reported progress",
  request_approval: "requested approval",
  approval_decision: "decided on an approval",
  approval_decided: "completed the approval round",
  cancel_approval: "cancelled the approval round",
  approval_dropout: "took an approver who lost access off the round",
  resolve: "resolved the ticket",
  close: "closed the ticket",
  reopen: "reopened the ticket",
  cancel: "cancelled the ticket",
  sla_override: "overrode the SLA due time",
  sla_at_risk: "flagged the SLA at risk",
  sla_status_changed: "updated the SLA status",
  sla_breached: "recorded an SLA breach",
  sla_breach_cleared: "cleared an SLA breach",
  attachment_added: "attached a file",
  "sub_ticket.created": "created a sub-ticket",
  "sub_ticket.updated": "edited a sub-ticket",
  "sub_ticket.start": "started a sub-ticket",
  "sub_ticket.complete": "completed a sub-ticket",
  "sub_ticket.cancel": "cancelled a sub-ticket",
};

export function actionLabel(action: string | null | undefined): string {
  if (!action) return "changed the ticket";
  return ACTIONS[action] ?? humanize(action).toLowerCase();
}


export { statusLabel };

const FIELDS: Record<string, string> = {
  title: "Title",
  description: "Description",
  priority: "Priority",
  category: "Category",
  department_id: "Department",
  assignee_id: "Assignee",
  requestor_id: "Requestor",
  acknowledged_at: "Acknowledged",
  resolved_at: "Resolved",
  closed_at: "Closed",
  resolution_note: "Resolution note",
  progress: "Progress",
  resume_at: "Resumes",
  postponed_from: "Postponed from",
  first_response_due_at: "First response due",
  resolution_due_at: "Resolution due",
  due_at: "Resolution due",
  first_response_breached_at: "First response breached",
  resolution_breached_at: "Resolution breached",
  sla_status: "SLA",
  sla_paused_seconds: "SLA time paused (s)",
  sla_paused_at: "SLA clocks paused",
  first_response_at_risk_at: "First response at risk",
  resolution_at_risk_at: "Resolution at risk",
  resolution_due_overridden_at: "Due time overridden",
  dropped_approver_id: "Approver dropped out",
  attachments: "Attachments",
  approver_ids: "Approvers",
  mode: "Mode",
  approval_id: "Approval round",
  decision: "Decision",
  comment: "Comment",
  outcome: "Outcome",
  sub_ticket_id: "Sub-ticket",
  sub_ticket_status: "Sub-ticket status",
  file_key: "File",
};

export function fieldLabel(field: string): string {
  return FIELDS[field] ?? humanize(field);
}

/** Fields whose values are people (shown by name). */
export const PERSON_FIELDS = new Set([
  "assignee_id",
  "requestor_id",
  "approver_ids",
  "approver_id",
  "dropped_approver_id",
  "actor_id",
]);
/** Fields whose values are times. */
export const TIME_FIELDS = new Set([
  "acknowledged_at",
  "resolved_at",
  "closed_at",
  "resume_at",
  "first_response_due_at",
  "resolution_due_at",
  "due_at",
  "first_response_breached_at",
  "resolution_breached_at",
  "first_response_at_risk_at",
  "resolution_at_risk_at",
  "resolution_due_overridden_at",
  "sla_paused_at",
]);
/** Fields not worth a line (ids of rows, shown elsewhere). */
export const HIDDEN_FIELDS = new Set(["status", "sub_ticket_id", "approval_id", "version", "updated_at"]);
