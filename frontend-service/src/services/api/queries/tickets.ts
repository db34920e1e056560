/**
 * Tickets: the key factory, query builders and hooks. Keys are hierarchical, so invalidating
 * ticketKeys.lists() refreshes every list and ticketKeys.all everything about tickets.
 */
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../client";
import type { Ticket, TicketAttachment, TicketCreate, TicketPage } from "../types";

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

/**
 * The query string of one list page. Empty strings and empty lists are "no filter", never sent;
 * lists go comma-separated (`status=new,assigned`), the form the API's list filters parse
 * (a repeated parameter would only count once).
 */
export function listQuery(filters: TicketFilters, cursor?: string): Record<string, string | number> {
  const query: Record<string, string | number> = {};
  for (const [key, value] of Object.entries({ ...filters, cursor })) {
    if (value === undefined || value === "") continue;
    if (Array.isArray(value)) {
      if (value.length) query[key] = value.join(",");
    } else {
      query[key] = value;
    }
  }
  return query;
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
        unwrap(api.GET("/api/tickets/", { params: { query: listQuery(filters, pageParam) as never } })) as Promise<TicketPage>,
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.next_cursor ?? undefined,
    }),
};

export function useTicket(id: string) {
  return useQuery(ticketQueries.detail(id));
}

/** A keyset-paged list: "load more" fetches the next page with next_cursor. */
export function useTicketList(filters: TicketFilters, enabled = true) {
  return useInfiniteQuery({ ...ticketQueries.list(filters), enabled });
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

export const ticketAttachmentQueries = {
  list: (ticketId: string) =>
    queryOptions({
      queryKey: ticketKeys.attachments(ticketId),
      queryFn: async () => {
        const page = await unwrap(api.GET("/api/tickets/{ticket_id}/attachments/", { params: { path: { ticket_id: ticketId } } }));
        return (page.items ?? []) as TicketAttachment[];
      },
    }),
};

/** The files attached to a ticket. */
export function useTicketAttachments(ticketId: string) {
  return useQuery({ ...ticketAttachmentQueries.list(ticketId), enabled: Boolean(ticketId) });
}

/** Attaches an uploaded file (by file_key) to a ticket; the server answers with the ticket. */
export function useAttachFile(ticketId: string) {
  const store = useStoreTicket();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (fileKey: string) =>
      unwrap(
        api.POST("/api/tickets/{ticket_id}/attachments/", { params: { path: { ticket_id: ticketId } }, body: { file_key: fileKey } }),
      ) as Promise<Ticket>,
    onSuccess: (ticket) => {
      store(ticket);
      void queryClient.invalidateQueries({ queryKey: ticketKeys.attachments(ticketId) });
    },
  });
}
