/**
 * Approval rounds: a ticket's rounds with their decisions, requesting a round (the ticket
 * then waits for it) and an approver's decision.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../client";
import type { Approval, RequestApproval, Ticket } from "../types";
import { isConflict, useRefreshTicket } from "./ticket-actions";
import { ticketKeys } from "./tickets";

export const approvalKeys = {
  all: ["approvals"] as const,
  tickets: () => [...approvalKeys.all, "ticket"] as const,
  ticket: (ticketId: string) => [...approvalKeys.tickets(), ticketId] as const,
};

export const approvalQueries = {
  ticket: (ticketId: string) =>
    queryOptions({
      queryKey: approvalKeys.ticket(ticketId),
      queryFn: async () => {
        const list = await unwrap(api.GET("/api/tickets/{ticket_id}/approvals/", { params: { path: { ticket_id: ticketId } } }));
        return (list.items ?? []) as Approval[];
      },
    }),
};

/** The ticket's approval rounds, oldest first, with their decisions. */
export function useTicketApprovals(ticketId: string) {
  return useQuery({ ...approvalQueries.ticket(ticketId), enabled: Boolean(ticketId) });
}

function useApprovalWritten(ticketId: string) {
  const queryClient = useQueryClient();
  return (approval?: Approval) => {
    if (approval) {
      queryClient.setQueryData<Approval[]>(approvalKeys.ticket(ticketId), (old) => {
        const rest = (old ?? []).filter((item) => item.id !== approval.id);
        return [...rest, approval].sort((a, b) => (a.created_at ?? "").localeCompare(b.created_at ?? ""));
      });
    }
    // The ticket's status, version and history change with every round and decision; the
    // approver's inbox lists (under approvalKeys.all) too.
    void queryClient.invalidateQueries({ queryKey: approvalKeys.all });
    void queryClient.invalidateQueries({ queryKey: ticketKeys.detail(ticketId) });
    void queryClient.invalidateQueries({ queryKey: ticketKeys.lists() });
  };
}

export type RequestApprovalInput = Omit<RequestApproval, "version">;

/** Requests an approval round on the version of the ticket the user saw. */
export function useRequestApproval(ticket: Pick<Ticket, "id" | "version">, { onConflict }: { onConflict?: () => void } = {}) {
  const ticketId = ticket.id ?? "";
  const written = useApprovalWritten(ticketId);
  const refresh = useRefreshTicket();
  return useMutation({
    mutationFn: (body: RequestApprovalInput) =>
      unwrap(
        api.POST("/api/tickets/{ticket_id}/approvals/", {
          params: { path: { ticket_id: ticketId } },
          body: { ...body, version: ticket.version },
        }),
      ) as Promise<Approval>,
    onSuccess: written,
    onError: (error) => {
      if (isConflict(error)) {
        refresh(ticketId);
        onConflict?.();
      }
    },
  });
}

/** An approver approves or declines a round, once, with an optional comment. */
export function useDecideApproval(ticketId: string) {
  const written = useApprovalWritten(ticketId);
  return useMutation({
    mutationFn: ({ approvalId, decision, comment }: { approvalId: string; decision: "approve" | "decline"; comment: string }) =>
      unwrap(
        api.POST("/api/approvals/{approval_id}/decision", {
          params: { path: { approval_id: approvalId } },
          body: { decision, comment },
        }),
      ) as Promise<Approval>,
    onSuccess: written,
    onError: (error) => {
      if (isConflict(error)) written();
    },
  });
}
