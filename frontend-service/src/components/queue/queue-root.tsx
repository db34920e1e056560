"use client";

import { EmptyState, ErrorState, ForbiddenState } from "@/components/shell/access-states";
import { LoadMore } from "@/components/tickets/list/load-more";
import { useNow } from "@/components/tickets/list/sla-cell";
import { TicketListSkeleton } from "@/components/tickets/list/ticket-list-skeleton";
import { useUrlFilters } from "@/components/tickets/list/url-filters";
import { useTicketList } from "@/services/api/queries/tickets";
import { useSession } from "@/services/api/session";

import { useQueueDepartments } from "./queue-departments";
import { hasActiveFilters, parseQueueFilters, queueApiFilters, queueFiltersToParams } from "./queue-filters";
import { QueueFiltersBar } from "./queue-filters-bar";
import { QueueTable } from "./queue-table";

/** The department queue of moderators (admins: any department). */
export function QueueRoot() {
  const session = useSession();
  const allowed = session.has("moderator") || session.has("admin");
  if (!allowed) return <ForbiddenState />;
  return <Queue />;
}

function Queue() {
  const [filters, setFilters] = useUrlFilters(parseQueueFilters, queueFiltersToParams);
  const queueDepartments = useQueueDepartments();
  const { departments } = queueDepartments;
  // The department in the URL when it is one of ours, else the first of ours.
  const department = departments.find((d) => d.id === filters.department)?.id ?? departments[0]?.id;
  // Held back until the department is known: no unscoped first request.
  const list = useTicketList(queueApiFilters(filters, department), Boolean(department));
  const now = useNow();

  const tickets = list.data?.pages.flatMap((page) => page.items ?? []) ?? [];
  const departmentName = departments.find((d) => d.id === department)?.name;

  let body;
  if (queueDepartments.isPending || (department && list.isPending)) {
    body = <TicketListSkeleton rows={6} />;
  } else if (queueDepartments.error) {
    body = <ErrorState error={queueDepartments.error} onRetry={queueDepartments.refetch} what="departments" />;
  } else if (!department) {
    body = (
      <EmptyState title="You moderate no department yet.">
        <p>Ask an administrator to grant you the moderator role for a department.</p>
      </EmptyState>
    );
  } else if (list.isError) {
    body = <ErrorState error={list.error} onRetry={() => void list.refetch()} what="queue" />;
  } else if (tickets.length === 0) {
    body = hasActiveFilters(filters) ? (
      <EmptyState title="No tickets match these filters.">
        <p>Widen the filters or clear them to see the whole queue.</p>
      </EmptyState>
    ) : (
      <EmptyState title={`The ${departmentName ?? "department"} queue is empty.`}>
        <p>New tickets for this department appear here as soon as they are opened; nothing needs you right now.</p>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <QueueTable tickets={tickets} now={now} />
        <LoadMore hasNextPage={list.hasNextPage} isFetchingNextPage={list.isFetchingNextPage} onLoadMore={() => void list.fetchNextPage()} />
      </>
    );
  }

  return (
    <div className="flex flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold">Queue</h1>
        <p className="mt-1 text-sm text-muted-foreground">
          {departmentName ? `Tickets of ${departmentName}.` : "Tickets of the departments you moderate."} Open a ticket to assign, review or reject it.
        </p>
      </div>
      <QueueFiltersBar filters={filters} departments={departments} department={department} onChange={setFilters} />
      {body}
    </div>
  );
}
