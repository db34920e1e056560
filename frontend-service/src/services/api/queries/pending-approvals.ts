/**
 * The approver's side of approvals: the rounds naming me as an approver (GET /api/approvals/,
 * `?pending=true` for those waiting for my decision), and deciding one. A decided round leaves
 * the waiting list at once; its ticket (detail, history, approval rounds) is read again.
 */
import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";

import { api, unwrap } from "../client";
import { isProblem } from "../problem";
import type { Approval, ApprovalPage, ApprovalWithTicket, DecisionCreate } from "../types";
import { approvalKeys } from "./approvals";
import { ticketKeys } from "./tickets";

/** One round with its ticket's id, number, title, priority and status. */
export type PendingApproval = ApprovalWithTicket;

/** pending true: rounds waiting for my decision; false: the others naming me (decided, or ended). */
export type PendingApprovalFilters = { pending: boolean };

export const pendingApprovalKeys = {
  all: [...approvalKeys.all, "mine"] as const,
  list: (filters: PendingApprovalFilters = { pending: true }) => [...pendingApprovalKeys.all, filters] as const,
};

export const pendingApprovalQueries = {
  list: (filters: PendingApprovalFilters = { pending: true }) =>
    infiniteQueryOptions({
      queryKey: pendingApprovalKeys.list(filters),
      queryFn: ({ pageParam }) =>
        unwrap(
          api.GET("/api/approvals/", { params: { query: { pending: filters.pending, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } }),
        ) as Promise<ApprovalPage>,
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.next_cursor ?? undefined,
    }),
};

/** The rounds naming me as an approver, newest first: waiting for me (default) or the others. */
export function usePendingApprovals(pending = true) {
  return useInfiniteQuery(pendingApprovalQueries.list({ pending }));
}

type PendingData = InfiniteData<ApprovalPage, string | undefined>;

export type DecideInput = DecisionCreate & { approval: Pick<PendingApproval, "id" | "ticket_id"> };

/**
 * Approve or decline a round. On success, or when the round was already decided or closed
 * (409), the item leaves the waiting list and the ticket is read again.
 */
export function useDecidePendingApproval() {
  const queryClient = useQueryClient();
  function settle(approval: DecideInput["approval"]) {
    queryClient.setQueryData<PendingData>(pendingApprovalKeys.list({ pending: true }), (data) =>
      data
        ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== approval.id) })) }
        : data,
    );
    void queryClient.invalidateQueries({ queryKey: pendingApprovalKeys.all });
    void queryClient.invalidateQueries({ queryKey: ticketKeys.detail(approval.ticket_id) });
    void queryClient.invalidateQueries({ queryKey: approvalKeys.ticket(approval.ticket_id) });
    void queryClient.invalidateQueries({ queryKey: ticketKeys.lists() });
  }
  return useMutation({
    mutationFn: ({ approval, decision, comment }: DecideInput) =>
      unwrap(
        api.POST("/api/approvals/{approval_id}/decision", {
          params: { path: { approval_id: approval.id } },
          body: { decision, comment },
        }),
      ) as Promise<Approval>,
    onSuccess: (_data, { approval }) => settle(approval),
    onError: (error, { approval }) => {
      if (isProblem(error) && error.isConflict) settle(approval);
    },
  });
}
