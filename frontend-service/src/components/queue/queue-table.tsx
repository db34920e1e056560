import Link from "next/link";

import { PersonName } from "@/components/people/person-name";
import { SlaCell } from "@/components/tickets/list/sla-cell";
import { PriorityBadge, StatusBadge } from "@/components/tickets/ticket-badges";
import { formatDate, ticketHref } from "@/components/tickets/list/ticket-row";
import { Badge } from "@/components/ui/badge";
import type { Ticket } from "@/services/api/types";

function Assignee({ ticket }: { ticket: Ticket }) {
  if (!ticket.assignee_id) return <Badge tone="warning">Unassigned</Badge>;
  return <PersonName id={ticket.assignee_id} />;
}

/** The queue: a table on wide screens, cards on phones; every row opens the ticket page. */
export function QueueTable({ tickets, now }: { tickets: Ticket[]; now: number }) {
  return (
    <>
      <div className="hidden overflow-x-auto rounded-lg border border-border bg-surface md:block">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Tickets in the queue</caption>
          <thead className="border-b border-border bg-muted text-xs text-muted-foreground uppercase">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Ticket
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Status
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Priority
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                SLA
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Assignee
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Created
              </th>
            </tr>
          </thead>
          <tbody>
            {tickets.map((ticket) => (
              <tr key={ticket.id} className="border-b border-border last:border-0 hover:bg-muted/40">
                <td className="max-w-md px-3 py-2">
                  <span className="block text-xs text-muted-foreground">{ticket.number}</span>
                  <Link href={ticketHref(ticket.id)} className="block truncate font-medium hover:underline">
                    {ticket.title}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={ticket.status} />
                </td>
                <td className="px-3 py-2">
                  <PriorityBadge priority={ticket.priority} />
                </td>
                <td className="px-3 py-2">
                  <SlaCell ticket={ticket} now={now} />
                </td>
                <td className="px-3 py-2">
                  <Assignee ticket={ticket} />
                </td>
                <td className="px-3 py-2 whitespace-nowrap text-muted-foreground">{formatDate(ticket.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul aria-label="Tickets in the queue" className="flex flex-col gap-2 md:hidden">
        {tickets.map((ticket) => (
          <li key={ticket.id} className="relative flex flex-col gap-2 rounded-lg border border-border bg-surface p-4">
            <p className="text-xs text-muted-foreground">
              {ticket.number} · {formatDate(ticket.created_at)}
            </p>
            <Link href={ticketHref(ticket.id)} className="font-medium after:absolute after:inset-0">
              {ticket.title}
            </Link>
            <div className="flex flex-wrap items-center gap-2">
              <StatusBadge status={ticket.status} />
              <PriorityBadge priority={ticket.priority} />
              <Assignee ticket={ticket} />
            </div>
            <SlaCell ticket={ticket} now={now} />
          </li>
        ))}
      </ul>
    </>
  );
}

