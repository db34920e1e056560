import { Badge } from "@/components/ui/badge";
import type { SlaStatus } from "@/services/api/types";

const SLA_LOOK: Record<SlaStatus, { label: string; tone: "ok" | "risk" | "breach" | "paused"; mark: string }> = {
  on_track: { label: "On track", tone: "ok", mark: "●" },
  at_risk: { label: "At risk", tone: "risk", mark: "▲" },
  breached: { label: "Breached", tone: "breach", mark: "■" },
  paused: { label: "Paused", tone: "paused", mark: "‖" },
};

/** The words for an sla_status (colour is never the only signal). */
export function slaLabel(status: string | null | undefined): string {
  return SLA_LOOK[status as SlaStatus]?.label ?? "No SLA";
}

/** The SLA status as a coloured badge with its text and a shape beside it. */
export function SlaBadge({ status, className }: { status: string | null | undefined; className?: string }) {
  const look = SLA_LOOK[status as SlaStatus];
  if (!look) return <Badge className={className}>No SLA</Badge>;
  return (
    <Badge tone={look.tone} className={className} data-sla={status}>
      <span aria-hidden="true">{look.mark}</span>
      {look.label}
    </Badge>
  );
}
