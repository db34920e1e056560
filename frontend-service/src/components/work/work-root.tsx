"use client";

import Link from "next/link";

import { EmptyState, ErrorState, ForbiddenState } from "@/components/shell/access-states";
import { LoadMore } from "@/components/tickets/list/load-more";
import { useNow } from "@/components/tickets/list/sla-cell";
import { statusLabel } from "@/components/tickets/ticket-badges";
import { TicketListSkeleton } from "@/components/tickets/list/ticket-list-skeleton";
import { TicketRow } from "@/components/tickets/list/ticket-row";
import { readList, useUrlFilters, writeParam } from "@/components/tickets/list/url-filters";
import { cn } from "@/lib/cn";
import { useTicketList } from "@/services/api/queries/tickets";
import { useSession } from "@/services/api/session";
import type { Ticket, TicketStatus } from "@/services/api/types";

/** The states in which a ticket is someone's work. */
export const WORK_STATUSES = ["assigned", "in_progress", "waiting_approval", "postponed"] as const satisfies readonly TicketStatus[];
type WorkStatus = (typeof WORK_STATUSES)[number];

const NEXT_STEP: Record<WorkStatus, string> = {
  assigned: "Acknowledge these to start the clock on your work.",
  in_progress: "Report progress or resolve when done.",
  waiting_approval: "Waiting for approvers; nothing to do until they decide.",
  postponed: "Resume when the reason for postponing is gone.",
};

function parseWorkStatuses(params: URLSearchParams): WorkStatus[] {
  return readList(params, "status", WORK_STATUSES);
}

function workStatusesToParams(statuses: WorkStatus[], base: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(base);
  writeParam(params, "status", statuses);
  return params;
}

/** My work: the tickets assigned to me, grouped by status, with their SLA. */
export function WorkRoot() {
  const session = useSession();
  if (!session.has("assignee")) return <ForbiddenState />;
  return <Work me={session.user?.id} />;
}

function Work({ me }: { me: string | undefined }) {
  const [selected, setSelected] = useUrlFilters(parseWorkStatuses, workStatusesToParams);
  const statuses = selected.length ? selected : [...WORK_STATUSES];
  const list = useTicketList({ assignee_id: me, status: statuses }, Boolean(me));
  const now = useNow();

  function toggle(status: WorkStatus | null) {
    setSelected(status ? [status] : []);
  }

  const tickets = list.data?.pages.flatMap((page) => page.items ?? []) ?? [];
  const groups = WORK_STATUSES.filter((status) => statuses.includes(status)).map((status) => ({
    status,
    tickets: tickets.filter((ticket: Ticket) => ticket.status === status),
  }));
  const current = selected.length === 1 ? selected[0] : null;

  return (
    <div className="flex flex-col gap-5">
      <h1 className="text-2xl font-semibold">My work</h1>
      <div role="group" aria-label="Filter by status" className="flex flex-wrap gap-2">
        {[null, ...WORK_STATUSES].map((status) => {
          const active = status === current;
          return (
            <button
              key={status ?? "all"}
              type="button"
              aria-pressed={active}
              onClick={() => toggle(status)}
              className={cn(
                "rounded-full border px-3 py-1 text-sm",
                active ? "border-primary bg-accent font-medium text-primary" : "border-border bg-surface hover:bg-muted",
              )}
            >
              {status ? statusLabel(status) : "All open work"}
            </button>
          );
        })}
      </div>
      {list.isPending ? (
        <TicketListSkeleton />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} what="your work" />
      ) : tickets.length === 0 ? (
        <EmptyState title={current ? `Nothing ${statusLabel(current).toLowerCase()} is assigned to you.` : "Nothing is assigned to you right now."}>
          <p>
            A moderator assigns tickets from the department queue; they appear here at once. Meanwhile, see{" "}
            <Link href="/tickets" className="text-primary underline">
              your own tickets
            </Link>
            .
          </p>
        </EmptyState>
      ) : (
        <>
          {groups.map((group) =>
            group.tickets.length ? (
              <section key={group.status} aria-labelledby={`work-${group.status}`} className="flex flex-col gap-2">
                <div>
                  <h2 id={`work-${group.status}`} className="text-lg font-semibold">
                    {statusLabel(group.status)} <span className="text-sm font-normal text-muted-foreground">({group.tickets.length})</span>
                  </h2>
                  <p className="text-sm text-muted-foreground">{NEXT_STEP[group.status]}</p>
                </div>
                <ul aria-label={statusLabel(group.status)} className="flex flex-col gap-2">
                  {group.tickets.map((ticket) => (
                    <TicketRow key={ticket.id} ticket={ticket} now={now} />
                  ))}
                </ul>
              </section>
            ) : null,
          )}
          <LoadMore hasNextPage={list.hasNextPage} isFetchingNextPage={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
    </div>
  );
}
