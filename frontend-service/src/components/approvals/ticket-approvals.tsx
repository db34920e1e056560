"use client";

import dynamic from "next/dynamic";

import { PersonName } from "@/components/people/person-name";
import { ErrorState } from "@/components/shell/access-states";
import { formatDateTime } from "@/components/tickets/ticket-page/format";
import { Badge } from "@/components/ui/badge";
import { Skeleton } from "@/components/ui/skeleton";
import { useTicketApprovals } from "@/services/api/queries/approvals";
import { useSession } from "@/services/api/session";
import type { Approval } from "@/services/api/types";

// The decision form (and the form library) loads only for an approver whose decision is needed.
const DecisionForm = dynamic(() => import("./ticket-decision-form").then((m) => m.DecisionForm), {
  ssr: false,
  loading: () => <Skeleton className="mt-3 h-44 w-full" />,
});

const ROUND_STATUS: Record<string, { label: string; tone: "neutral" | "warning" | "success" | "danger" }> = {
  pending: { label: "Pending", tone: "warning" },
  approved: { label: "Approved", tone: "success" },
  declined: { label: "Declined", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

const MODE_LABEL: Record<string, string> = { all: "All must approve", any: "Any one approves" };

function Round({ approval, ticketId, index }: { approval: Approval; ticketId: string; index: number }) {
  const { user } = useSession();
  const status = ROUND_STATUS[approval.status ?? ""] ?? { label: approval.status ?? "—", tone: "neutral" as const };
  const decisions = approval.decisions ?? [];
  const decidedBy = new Set(decisions.map((d) => d.approver_id));
  const awaitingMe =
    approval.status === "pending" && Boolean(user?.id) && (approval.approver_ids ?? []).includes(user?.id ?? "") && !decidedBy.has(user?.id ?? "");
  return (
    <li className="rounded-md border border-border p-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm font-medium">
          Round {index + 1} · {MODE_LABEL[approval.mode ?? ""] ?? approval.mode}
        </p>
        <Badge tone={status.tone}>{status.label}</Badge>
      </div>
      <p className="mt-1 text-xs text-muted-foreground">
        Requested by <PersonName id={approval.requested_by} /> · {formatDateTime(approval.created_at)}
        {approval.decided_at ? ` · ended ${formatDateTime(approval.decided_at)}` : ""}
      </p>
      {approval.note ? <p className="mt-2 text-sm whitespace-pre-line">{approval.note}</p> : null}
      <ul className="mt-2 flex flex-col gap-1 text-sm" aria-label={`Approvers of round ${index + 1}`}>
        {(approval.approver_ids ?? []).map((approverId) => {
          const decision = decisions.find((d) => d.approver_id === approverId);
          return (
            <li key={approverId} className="flex flex-wrap items-baseline gap-x-2">
              <PersonName id={approverId} />
              <span className="text-muted-foreground">—</span>
              {decision ? (
                <span>
                  <span className={decision.decision === "approve" ? "text-success" : "text-destructive"}>
                    {decision.decision === "approve" ? "Approved" : "Declined"}
                  </span>{" "}
                  <span className="text-xs text-muted-foreground">{formatDateTime(decision.created_at)}</span>
                  {decision.comment ? <span className="block text-muted-foreground">“{decision.comment}”</span> : null}
                </span>
              ) : (
                <span className="text-muted-foreground">{approval.status === "pending" ? "Waiting" : "No decision"}</span>
              )}
            </li>
          );
        })}
      </ul>
      {awaitingMe ? <DecisionForm approval={approval} ticketId={ticketId} /> : null}
    </li>
  );
}

/** The ticket's approval rounds; hidden while there has never been one. */
export function TicketApprovals({ ticketId }: { ticketId: string }) {
  const approvals = useTicketApprovals(ticketId);
  if (approvals.isSuccess && !approvals.data.length) return null;
  return (
    <section aria-labelledby="approvals-heading" className="rounded-lg border border-border bg-surface p-4">
      <h2 id="approvals-heading" className="text-base font-semibold">
        Approvals
      </h2>
      <div className="mt-3">
        {approvals.isPending ? (
          <Skeleton className="h-16 w-full" />
        ) : approvals.isError ? (
          <ErrorState error={approvals.error} what="approvals" onRetry={() => void approvals.refetch()} />
        ) : (
          <ol className="flex flex-col gap-2">
            {approvals.data.map((approval, index) => (
              <Round key={approval.id} approval={approval} ticketId={ticketId} index={index} />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
