"use client";

import Link from "next/link";

import { EmptyState, ErrorState } from "@/components/shell/access-states";
import { buttonVariants } from "@/components/ui/button";
import { useTicketList } from "@/services/api/queries/tickets";
import { useSession } from "@/services/api/session";

import { LoadMore } from "./load-more";
import { useNow } from "./sla-cell";
import { TicketFiltersBar } from "./ticket-filters-bar";
import { TicketListSkeleton } from "./ticket-list-skeleton";
import { TicketRow } from "./ticket-row";
import { myTicketFiltersToParams, parseMyTicketFilters, useUrlFilters } from "./url-filters";

/** My tickets: what I opened, newest first, filtered by status and text from the URL. */
export function MyTicketsRoot() {
  const session = useSession();
  const [filters, setFilters] = useUrlFilters(parseMyTicketFilters, myTicketFiltersToParams);
  const me = session.user?.id;
  const list = useTicketList({ requestor_id: me, status: filters.status, q: filters.q || undefined });
  const now = useNow();

  const tickets = list.data?.pages.flatMap((page) => page.items ?? []) ?? [];
  const filtered = filters.status.length > 0 || filters.q !== "";

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">My tickets</h1>
        <Link href="/tickets/new" className={buttonVariants()}>
          New ticket
        </Link>
      </div>
      <TicketFiltersBar filters={filters} onChange={setFilters} />
      {list.isPending ? (
        <TicketListSkeleton />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} what="list of tickets" />
      ) : tickets.length === 0 ? (
        filtered ? (
          <EmptyState title="No tickets match these filters.">
            <p>Change the status or search words, or clear the filters.</p>
          </EmptyState>
        ) : (
          <EmptyState title="You have not opened any tickets yet.">
            <p>
              Need help from a department?{" "}
              <Link href="/tickets/new" className="text-primary underline">
                Open a new ticket
              </Link>
              .
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <ul aria-label="My tickets" className="flex flex-col gap-2">
            {tickets.map((ticket) => (
              <TicketRow key={ticket.id} ticket={ticket} now={now} />
            ))}
          </ul>
          <LoadMore hasNextPage={list.hasNextPage} isFetchingNextPage={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
        </>
      )}
    </div>
  );
}
