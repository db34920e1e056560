import { statusLabel } from "@/components/history/history-labels";
import { Badge } from "@/components/ui/badge";

const TONES: Record<string, "neutral" | "primary" | "success" | "warning" | "danger"> = {
  new: "primary",
  under_review: "primary",
  assigned: "primary",
  in_progress: "warning",
  waiting_approval: "warning",
  postponed: "neutral",
  resolved: "success",
  closed: "neutral",
  rejected: "danger",
  cancelled: "neutral",
};

export function TicketStatusBadge({ status }: { status: string | null | undefined }) {
  return <Badge tone={TONES[status ?? ""] ?? "neutral"}>{statusLabel(status)}</Badge>;
}

const PRIORITY_TONES: Record<string, "neutral" | "primary" | "warning" | "danger"> = {
  low: "neutral",
  medium: "primary",
  high: "warning",
  critical: "danger",
};

export function PriorityBadge({ priority }: { priority: string | null | undefined }) {
  const label = priority ? priority.charAt(0).toUpperCase() + priority.slice(1) : "—";
  return <Badge tone={PRIORITY_TONES[priority ?? ""] ?? "neutral"}>{label} priority</Badge>;
}
