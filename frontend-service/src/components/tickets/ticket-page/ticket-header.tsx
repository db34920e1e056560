"use client";

import { PersonName } from "@/components/people/person-name";
import { SlaBadge } from "@/components/sla/sla-badge";
import { useDepartmentName } from "@/services/api/queries/employees";
import type { Ticket } from "@/services/api/types";

import { formatDateTime } from "./format";
import { PriorityBadge, StatusBadge } from "@/components/tickets/ticket-badges";

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

/** Number, title, status and the people and dates of a ticket; progress while in progress. */
export function TicketHeader({ ticket }: { ticket: Ticket }) {
  const department = useDepartmentName(ticket.department_id);
  const progress = ticket.progress ?? 0;
  return (
    <header className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-2 text-sm text-muted-foreground">
        <span className="font-mono">{ticket.number}</span>
        <StatusBadge status={ticket.status} />
        <PriorityBadge priority={ticket.priority} withNoun />
        <SlaBadge status={ticket.sla_status} />
      </div>
      <h1 className="text-2xl font-semibold break-words">{ticket.title}</h1>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        <Fact label="Department">{department ?? "…"}</Fact>
        <Fact label="Requestor">
          <PersonName id={ticket.requestor_id} />
        </Fact>
        <Fact label="Assignee">
          <PersonName id={ticket.assignee_id} fallback="Unassigned" />
        </Fact>
        <Fact label="Created">
          <time dateTime={ticket.created_at}>{formatDateTime(ticket.created_at)}</time>
        </Fact>
        {ticket.category ? <Fact label="Category">{ticket.category}</Fact> : null}
      </dl>
      {ticket.status === "in_progress" || ticket.status === "waiting_approval" ? (
        <div className="flex flex-col gap-1">
          <div className="flex justify-between text-xs text-muted-foreground">
            <span id="ticket-progress-label">Progress</span>
            <span>{progress}%</span>
          </div>
          <div
            role="progressbar"
            aria-labelledby="ticket-progress-label"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={progress}
            className="h-2 w-full overflow-hidden rounded-full bg-muted"
          >
            <ProgressFill percent={progress} />
          </div>
        </div>
      ) : null}
    </header>
  );
}

/** Width in 5% steps from the token scale (no arbitrary values). */
const WIDTHS = [
  "w-0", "w-1/20", "w-1/10", "w-3/20", "w-1/5", "w-1/4", "w-3/10", "w-7/20", "w-2/5", "w-9/20", "w-1/2",
  "w-11/20", "w-3/5", "w-13/20", "w-7/10", "w-3/4", "w-4/5", "w-17/20", "w-9/10", "w-19/20", "w-full",
];

function ProgressFill({ percent }: { percent: number }) {
  const step = Math.max(0, Math.min(20, Math.round(percent / 5)));
  return <div className={`h-full rounded-full bg-primary ${WIDTHS[step]}`} />;
}
