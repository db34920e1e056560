"use client";

import Link from "next/link";
import { useId } from "react";

import { PersonName } from "@/components/people/person-name";
import { PriorityBadge, StatusBadge } from "@/components/tickets/ticket-badges";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { PendingApproval } from "@/services/api/queries/pending-approvals";
import { useSession } from "@/services/api/session";

const MODE_LABELS: Record<string, string> = {
  all: "Every approver must approve",
  any: "One approval is enough",
};

const ROUND_STATUS: Record<string, { label: string; tone: "warning" | "success" | "danger" | "neutral" }> = {
  pending: { label: "Round open", tone: "warning" },
  approved: { label: "Round approved", tone: "success" },
  declined: { label: "Round declined", tone: "danger" },
  cancelled: { label: "Round cancelled", tone: "neutral" },
};

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * One approval round with its ticket. With `onDecide` it offers Approve and Decline (the round
 * waits for me); without, it shows how the round and my own decision ended.
 */
export function PendingApprovalItem({
  approval,
  onDecide,
}: {
  approval: PendingApproval;
  onDecide?: (decision: "approve" | "decline") => void;
}) {
  const titleId = useId();
  const session = useSession();
  const { ticket } = approval;
  const requestedAt = approval.created_at ? new Date(approval.created_at) : null;
  const mine = approval.decisions?.find((d) => d.approver_id && d.approver_id === session.user?.id);
  const round = ROUND_STATUS[approval.status ?? ""];
  return (
    <li aria-labelledby={titleId} className="flex flex-col gap-3 rounded-lg border border-border bg-surface p-4 md:flex-row md:items-start md:justify-between">
      <div className="flex min-w-0 flex-col gap-2">
        <div className="flex flex-wrap items-center gap-2">
          <Link id={titleId} href={`/tickets/view?id=${ticket.id}`} className="font-medium text-primary hover:underline">
            {ticket.number ? <span className="font-mono">{ticket.number}</span> : null}
            {ticket.number && ticket.title ? " · " : null}
            {ticket.title ?? "Open the ticket"}
          </Link>
          {ticket.priority ? <PriorityBadge priority={ticket.priority} /> : null}
          {ticket.status ? <StatusBadge status={ticket.status} /> : null}
        </div>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-2">
          <div className="flex gap-1">
            <dt className="text-muted-foreground">Requested by</dt>
            <dd>
              <PersonName id={approval.requested_by} />
            </dd>
          </div>
          {requestedAt ? (
            <div className="flex gap-1">
              <dt className="text-muted-foreground">On</dt>
              <dd>
                <time dateTime={approval.created_at}>{dateFormat.format(requestedAt)}</time>
              </dd>
            </div>
          ) : null}
          <div className="flex gap-1 sm:col-span-2">
            <dt className="text-muted-foreground">Mode</dt>
            <dd>{MODE_LABELS[approval.mode ?? ""] ?? approval.mode ?? "—"}</dd>
          </div>
        </dl>
        {approval.note ? <p className="text-sm break-words whitespace-pre-wrap">{approval.note}</p> : null}
        {!onDecide && mine ? (
          <p className="text-sm">
            <span className="text-muted-foreground">You {mine.decision === "approve" ? "approved" : "declined"}</span>
            {mine.comment ? `: “${mine.comment}”` : "."}
          </p>
        ) : null}
      </div>
      {onDecide ? (
        <div className="flex shrink-0 gap-2">
          <Button aria-describedby={titleId} onClick={() => onDecide("approve")}>
            Approve
          </Button>
          <Button variant="secondary" aria-describedby={titleId} onClick={() => onDecide("decline")}>
            Decline
          </Button>
        </div>
      ) : round ? (
        <Badge tone={round.tone} className="self-start">
          {round.label}
        </Badge>
      ) : null}
    </li>
  );
}
