import Link from "next/link";

import type { Ticket } from "@/services/api/types";

import { SlaCell } from "./sla-cell";
import { PriorityBadge, StatusBadge } from "@/components/tickets/ticket-badges";

export function ticketHref(id: string | undefined): string {
  return `/tickets/view?id=${encodeURIComponent(id ?? "")}`;
}

export function formatDate(value: string | undefined): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}

/** One ticket as a card: number and title (the link), status, priority and SLA. */
export function TicketRow({ ticket, now }: { ticket: Ticket; now: number }) {
  return (
    <li className="relative flex flex-col gap-2 rounded-lg border border-border bg-surface p-4 hover:bg-muted/40 md:flex-row md:items-center md:gap-4">
      <div className="min-w-0 flex-1">
        <p className="text-xs text-muted-foreground">
          {ticket.number} · opened {formatDate(ticket.created_at)}
        </p>
        <Link href={ticketHref(ticket.id)} className="block truncate font-medium text-foreground after:absolute after:inset-0 hover:underline">
          {ticket.title}
        </Link>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge status={ticket.status} />
        <PriorityBadge priority={ticket.priority} />
        <SlaCell ticket={ticket} now={now} />
      </div>
    </li>
  );
}
