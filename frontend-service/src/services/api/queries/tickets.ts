/**
 * Tickets: the key factory, query builders and hooks. Keys are hierarchical, so invalidating
 * ticketKeys.lists() refreshes every list and ticketKeys.all everything about tickets.
 */
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../client";
import type { Ticket, TicketCreate, TicketPage } from "../types";

/** The list filters of GET /api/tickets/ (all optional; strings as in the URL). */
export type TicketFilters = {
  status?: string[];
  priority?: string[];
  department_id?: string;
  assignee_id?: string;
  requestor_id?: string;
  sla_status?: string[];
  q?: string;
  created_after?: string;
  created_before?: string;
  sort?: string;
  limit?: number;
};

export const ticketKeys = {
  all: ["tickets"] as const,
  lists: () => [...ticketKeys.all, "list"] as const,
  list: (filters: TicketFilters) => [...ticketKeys.lists(), filters] as const,
  details: () => [...ticketKeys.all, "detail"] as const,
  detail: (id: string) => [...ticketKeys.details(), id] as const,
  history: (id: string) => [...ticketKeys.detail(id), "history"] as const,
  subTickets: (id: string) => [...ticketKeys.detail(id), "sub-tickets"] as const,
  attachments: (id: string) => [...ticketKeys.detail(id), "attachments"] as const,
  fsm: () => [...ticketKeys.all, "fsm"] as const,
};

function listQuery(filters: TicketFilters, cursor?: string) {
  // Empty strings and empty lists are "no filter", never sent.
  const query = Object.fromEntries(
    Object.entries({ ...filters, cursor }).filter(([, v]) => v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0)),
  );
  return query as never;
}

export const ticketQueries = {
  detail: (id: string) =>
    queryOptions({
      queryKey: ticketKeys.detail(id),
      queryFn: () => unwrap(api.GET("/api/tickets/{ticket_id}", { params: { path: { ticket_id: id } } })) as Promise<Ticket>,
    }),
  list: (filters: TicketFilters) =>
    infiniteQueryOptions({
      queryKey: ticketKeys.list(filters),
      queryFn: ({ pageParam }) =>
        unwrap(api.GET("/api/tickets/", { params: { query: listQuery(filters, pageParam) } })) as Promise<TicketPage>,
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.next_cursor ?? undefined,
    }),
};

export function useTicket(id: string) {
  return useQuery(ticketQueries.detail(id));
}

/** A keyset-paged list: "load more" fetches the next page with next_cursor. */
export function useTicketList(filters: TicketFilters) {
  return useInfiniteQuery(ticketQueries.list(filters));
}

/** Puts a ticket the server returned into the cache and marks every list stale. */
export function useStoreTicket() {
  const queryClient = useQueryClient();
  return (ticket: Ticket) => {
    if (ticket.id) queryClient.setQueryData(ticketKeys.detail(ticket.id), ticket);
    void queryClient.invalidateQueries({ queryKey: ticketKeys.lists() });
    if (ticket.id) void queryClient.invalidateQueries({ queryKey: ticketKeys.history(ticket.id) });
  };
}

export function useCreateTicket() {
  const store = useStoreTicket();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: TicketCreate; idempotencyKey: string }) =>
      unwrap(api.POST("/api/tickets/", { body, headers: { "Idempotency-Key": idempotencyKey } })) as Promise<Ticket>,
    onSuccess: store,
  });
}
