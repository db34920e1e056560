"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useCallback, useState } from "react";

import { TicketApprovals } from "@/components/approvals/ticket-approvals";
import { HistoryTimeline } from "@/components/history/history-timeline";
import { EmptyState, ErrorState, NotFoundState } from "@/components/shell/access-states";
import { SlaPanel } from "@/components/sla/sla-panel";
import { SubTicketsSection } from "@/components/sub-tickets/sub-tickets-section";
import { Skeleton } from "@/components/ui/skeleton";
import { useTicket } from "@/services/api/queries/tickets";
import { useSession } from "@/services/api/session";
import type { Ticket } from "@/services/api/types";

import { ConflictNotice } from "./conflict-notice";
import { moderates } from "./permissions";
import { TicketActionsBar } from "./ticket-actions-bar";
import { TicketHeader } from "./ticket-header";
import { TicketPageSkeleton } from "./ticket-page-skeleton";

// Chat and attachments are heavy (socket, player, dropzone): loaded on demand.
const ChatPanel = dynamic(() => import("@/components/chat/chat-panel").then((m) => m.ChatPanel), {
  ssr: false,
  loading: () => <Skeleton className="h-96 w-full" />,
});
const TicketAttachments = dynamic(() => import("@/components/attachments/ticket-attachments").then((m) => m.TicketAttachments), {
  ssr: false,
  loading: () => <Skeleton className="h-24 w-full" />,
});

const TERMINAL = ["closed", "rejected", "cancelled"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function TicketDetails({ ticket }: { ticket: Ticket }) {
  return (
    <section aria-labelledby="description-heading" className="flex flex-col gap-3">
      <h2 id="description-heading" className="sr-only">
        Description
      </h2>
      {ticket.description ? (
        <p className="text-sm whitespace-pre-line break-words">{ticket.description}</p>
      ) : (
        <p className="text-sm text-muted-foreground">No description.</p>
      )}
      {ticket.resolution_note && ["resolved", "closed"].includes(ticket.status ?? "") ? (
        <div className="rounded-md border border-success/30 bg-success/10 p-3">
          <h3 className="text-sm font-medium text-success">Resolution</h3>
          <p className="mt-1 text-sm whitespace-pre-line break-words">{ticket.resolution_note}</p>
        </div>
      ) : null}
    </section>
  );
}

/** The ticket itself, once loaded: details, actions and SLA; chat beside them on wide screens. */
export function TicketPage({ ticket }: { ticket: Ticket }) {
  const { user } = useSession();
  const [conflict, setConflict] = useState(false);
  const onConflict = useCallback(() => setConflict(true), []);
  const ticketId = ticket.id ?? "";
  const terminal = TERMINAL.includes(ticket.status ?? "");
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
        <nav aria-label="Breadcrumb" className="text-sm">
          <Link href="/tickets" className="text-primary underline underline-offset-4">
            Tickets
          </Link>
          <span className="text-muted-foreground"> / {ticket.number}</span>
        </nav>
        <div className="flex flex-col gap-4 rounded-lg border border-border bg-surface p-4">
          <TicketHeader ticket={ticket} />
          {conflict ? <ConflictNotice onDismiss={() => setConflict(false)} /> : null}
          <TicketActionsBar ticket={ticket} onConflict={onConflict} />
          <TicketDetails ticket={ticket} />
        </div>
        <SlaPanel ticket={ticket} canOverride={moderates(user, ticket.department_id)} onConflict={onConflict} />
      </div>
      <aside aria-label="Ticket chat" className="min-w-0 lg:sticky lg:top-4 lg:col-start-3 lg:row-span-2 lg:row-start-1 lg:self-start">
        <ChatPanel ticketId={ticketId} />
      </aside>
      <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
        <TicketApprovals ticketId={ticketId} />
        <SubTicketsSection ticket={ticket} />
        <div className="rounded-lg border border-border bg-surface p-4">
          <TicketAttachments ticketId={ticketId} canAttach={!terminal} />
        </div>
        <HistoryTimeline ticketId={ticketId} />
      </div>
    </div>
  );
}

/** Loads the ticket named by ?id= and renders its loading, error and data states. */
function TicketPageLoader({ id }: { id: string }) {
  const ticket = useTicket(id);
  if (ticket.isPending) return <TicketPageSkeleton />;
  if (ticket.isError) return <ErrorState error={ticket.error} what="ticket" onRetry={() => void ticket.refetch()} />;
  return <TicketPage ticket={ticket.data} />;
}

function TicketPageFromQuery() {
  const id = useSearchParams().get("id")?.trim() ?? "";
  if (!id) {
    return (
      <section>
        <h1 className="sr-only">Ticket</h1>
        <EmptyState title="No ticket chosen">
          Open a ticket from{" "}
          <Link className="text-primary underline" href="/tickets">
            your tickets
          </Link>
          .
        </EmptyState>
      </section>
    );
  }
  if (!UUID.test(id)) return <NotFoundState what="ticket" />;
  return <TicketPageLoader key={id} id={id} />;
}

/** /tickets/view?id=<uuid>: the id comes from the query string (static export). */
export function TicketPageRoot() {
  return (
    <Suspense fallback={<TicketPageSkeleton />}>
      <TicketPageFromQuery />
    </Suspense>
  );
}
