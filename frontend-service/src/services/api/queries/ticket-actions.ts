/**
 * What can be done to one ticket: its life-cycle actions, SLA override, history and
 * sub-tickets. Keys come from ticketKeys (queries/tickets.ts), so invalidating a ticket's
 * detail covers its history and sub-tickets too.
 *
 * Every ticket write sends the version the user saw. The server's answer goes into the cache;
 * a 409/412 (someone else changed the ticket) refetches the ticket and is handed back to the
 * caller, which shows the "changed by someone else" notice.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../client";
import { isProblem } from "../problem";
import type { AuditRow, StatusChange, SubTicket, SubTicketCreate, Ticket } from "../types";
import { ticketKeys, useStoreTicket } from "./tickets";

/**
 * The public life-cycle actions of docs/ticket-life-cycle.md, as `allowed_actions` names them.
 * Checked against the generated StatusChange enum, so a contract change fails the type check.
 */
export const TICKET_ACTIONS = [
  "review",
  "assign",
  "reassign",
  "reject",
  "postpone",
  "resume",
  "acknowledge",
  "progress",
  "request_approval",
  "resolve",
  "close",
  "reopen",
  "cancel",
  "cancel_approval",
] as const satisfies readonly StatusChange["action"][];
export type TicketAction = (typeof TICKET_ACTIONS)[number];

export function isTicketAction(value: string): value is TicketAction {
  return (TICKET_ACTIONS as readonly string[]).includes(value);
}

/** One row of GET /api/tickets/fsm. */
export type FsmTransition = {
  action: string;
  from: string[];
  to: string;
  roles: string[];
  payload: Record<string, { required: boolean; type: string }>;
  guards: string[];
  event: string;
  via_status_endpoint: boolean;
};
export type FsmTable = { statuses: string[]; terminal: string[]; transitions: FsmTransition[] };

export const ticketActionQueries = {
  fsm: () =>
    queryOptions({
      queryKey: ticketKeys.fsm(),
      queryFn: () => unwrap(api.GET("/api/tickets/fsm")) as unknown as Promise<FsmTable>,
      staleTime: Infinity,
    }),
  history: (ticketId: string) =>
    queryOptions({
      queryKey: ticketKeys.history(ticketId),
      queryFn: async () => {
        const history = await unwrap(api.GET("/api/tickets/{ticket_id}/history", { params: { path: { ticket_id: ticketId } } }));
        return (history.items ?? []) as AuditRow[];
      },
    }),
  subTickets: (ticketId: string) =>
    queryOptions({
      queryKey: ticketKeys.subTickets(ticketId),
      queryFn: async () => {
        const list = await unwrap(api.GET("/api/tickets/{ticket_id}/sub-tickets/", { params: { path: { ticket_id: ticketId } } }));
        return (list.items ?? []) as SubTicket[];
      },
    }),
};

/** The transition table (labels and payload needs); it changes only with a deploy. */
export function useTicketFsm() {
  return useQuery(ticketActionQueries.fsm());
}

/** The ticket's audit history, oldest first. */
export function useTicketHistory(ticketId: string) {
  return useQuery({ ...ticketActionQueries.history(ticketId), enabled: Boolean(ticketId) });
}

export function useSubTickets(ticketId: string) {
  return useQuery({ ...ticketActionQueries.subTickets(ticketId), enabled: Boolean(ticketId) });
}

/** The payload of each action besides `action` and `version`. */
export type TicketActionPayload = {
  assignee_id?: string;
  reason?: string;
  resume_at?: string;
  percent?: number;
  note?: string;
  resolution_note?: string;
};

/**
 * After a 409/412 the ticket is refetched, so the page shows what changed; anything else
 * about the ticket (history, sub-tickets, approvals) follows through the detail prefix.
 */
export function useRefreshTicket() {
  const queryClient = useQueryClient();
  return (ticketId: string) => {
    void queryClient.invalidateQueries({ queryKey: ticketKeys.detail(ticketId) });
    void queryClient.invalidateQueries({ queryKey: ticketKeys.lists() });
  };
}

/**
 * True for the answers that mean "someone else changed this ticket meanwhile": 412 (stale
 * version) and 409 illegal-transition. A guard's plain 409 "conflict" (an open sub-ticket, a
 * pending approval) is about the ticket as it is, and shows its own message instead.
 */
export function isConflict(error: unknown): boolean {
  if (!isProblem(error)) return false;
  return error.status === 412 || (error.status === 409 && error.slug !== "conflict");
}

/**
 * Applies one life-cycle action through POST /api/tickets/{id}/status {action, version, ...}.
 * `onConflict` runs after a 409/412, once the fresh ticket has been asked for.
 */
export function useTicketAction(ticket: Pick<Ticket, "id" | "version">, { onConflict }: { onConflict?: () => void } = {}) {
  const store = useStoreTicket();
  const refresh = useRefreshTicket();
  const ticketId = ticket.id ?? "";
  return useMutation({
    mutationFn: ({ action, payload = {} }: { action: TicketAction; payload?: TicketActionPayload }) =>
      unwrap(
        api.POST("/api/tickets/{ticket_id}/status", {
          params: { path: { ticket_id: ticketId } },
          // StatusChange is one variant per action (discriminated by `action`); the form gathers
          // the payload loosely, and the server checks it against the action's own schema.
          body: { ...payload, action, version: ticket.version } as StatusChange,
        }),
      ) as Promise<Ticket>,
    onSuccess: store,
    onError: (error) => {
      if (isConflict(error)) {
        refresh(ticketId);
        onConflict?.();
      }
    },
  });
}

/** PATCH /api/tickets/{id}/sla: a moderator or admin sets the resolution due time, with a reason. */
export function useOverrideSla(ticket: Pick<Ticket, "id" | "version">, { onConflict }: { onConflict?: () => void } = {}) {
  const store = useStoreTicket();
  const refresh = useRefreshTicket();
  const ticketId = ticket.id ?? "";
  return useMutation({
    mutationFn: (body: { due_at: string; reason: string }) =>
      unwrap(
        api.PATCH("/api/tickets/{ticket_id}/sla", {
          params: { path: { ticket_id: ticketId } },
          body: { ...body, version: ticket.version },
        }),
      ) as Promise<Ticket>,
    onSuccess: store,
    onError: (error) => {
      if (isConflict(error)) {
        refresh(ticketId);
        onConflict?.();
      }
    },
  });
}

/** Splits work into a sub-ticket (the ticket's moderator, an admin or its assignee). */
export function useCreateSubTicket(ticketId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SubTicketCreate) =>
      unwrap(api.POST("/api/tickets/{ticket_id}/sub-tickets/", { params: { path: { ticket_id: ticketId } }, body })) as Promise<SubTicket>,
    onSuccess: (subTicket) => {
      queryClient.setQueryData<SubTicket[]>(ticketKeys.subTickets(ticketId), (old) => [...(old ?? []), subTicket]);
      void queryClient.invalidateQueries({ queryKey: ticketKeys.subTickets(ticketId) });
      void queryClient.invalidateQueries({ queryKey: ticketKeys.history(ticketId) });
    },
  });
}

export const SUB_TICKET_ACTIONS = ["start", "complete", "cancel"] as const;
export type SubTicketAction = (typeof SUB_TICKET_ACTIONS)[number];

/** start, complete or cancel a sub-ticket; the answer replaces it in the parent's list. */
export function useSubTicketStatus(ticketId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ subTicket, action }: { subTicket: SubTicket; action: SubTicketAction }) =>
      unwrap(
        api.POST("/api/sub-tickets/{sub_ticket_id}/status", {
          params: { path: { sub_ticket_id: subTicket.id ?? "" } },
          body: { action, version: subTicket.version },
        }),
      ) as Promise<SubTicket>,
    onSuccess: (updated) => {
      queryClient.setQueryData<SubTicket[]>(ticketKeys.subTickets(ticketId), (old) =>
        (old ?? []).map((item) => (item.id === updated.id ? updated : item)),
      );
      void queryClient.invalidateQueries({ queryKey: ticketKeys.history(ticketId) });
    },
    onError: (error) => {
      if (isConflict(error)) void queryClient.invalidateQueries({ queryKey: ticketKeys.subTickets(ticketId) });
    },
  });
}
