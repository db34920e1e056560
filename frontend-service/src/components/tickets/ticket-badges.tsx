/** The one place a ticket's status and priority get their words and colours. */
import { Badge } from "@/components/ui/badge";
import type { Priority, TicketStatus } from "@/services/api/types";

export const STATUS_LABELS: Record<TicketStatus, string> = {
  new: "New",
  under_review: "Under review",
  assigned: "Assigned",
  in_progress: "In progress",
  waiting_approval: "Waiting for approval",
  postponed: "Postponed",
  resolved: "Resolved",
  closed: "Closed",
  rejected: "Rejected",
  cancelled: "Cancelled",
};

const STATUS_TONES: Record<TicketStatus, "neutral" | "primary" | "success" | "warning" | "danger"> = {
  new: "primary",
  under_review: "primary",
  assigned: "primary",
  in_progress: "primary",
  waiting_approval: "warning",
  postponed: "neutral",
  resolved: "success",
  closed: "neutral",
  rejected: "danger",
  cancelled: "neutral",
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};

const PRIORITY_TONES: Record<Priority, "neutral" | "primary" | "warning" | "danger"> = {
  low: "neutral",
  medium: "primary",
  high: "warning",
  critical: "danger",
};

export function statusLabel(status: string | null | undefined): string {
  if (!status) return "—";
  return STATUS_LABELS[status as TicketStatus] ?? status.replaceAll("_", " ");
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  return <Badge tone={STATUS_TONES[status as TicketStatus] ?? "neutral"}>{statusLabel(status)}</Badge>;
}

/** "High" in a Priority column; `withNoun` says "High priority" where nothing else does. */
export function PriorityBadge({ priority, withNoun = false }: { priority: string | null | undefined; withNoun?: boolean }) {
  const label = PRIORITY_LABELS[priority as Priority] ?? priority ?? "—";
  return (
    <Badge tone={PRIORITY_TONES[priority as Priority] ?? "neutral"}>
      {withNoun ? `${label} priority` : (
        <>
          <span className="sr-only">Priority: </span>
          {label}
        </>
      )}
    </Badge>
  );
}
