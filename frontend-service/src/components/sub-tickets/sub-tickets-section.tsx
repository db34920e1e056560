"use client";

import dynamic from "next/dynamic";
import { useState } from "react";

import { PersonName } from "@/components/people/person-name";
import { EmptyState, ErrorState } from "@/components/shell/access-states";
import { canSplit, isAssigneeOf, moderates } from "@/components/tickets/ticket-page/permissions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { useOpenedOnce } from "@/lib/use-opened-once";
import type { SessionUser } from "@/services/api/auth";
import { describeProblem } from "@/services/api/forms";
import { useDepartmentName } from "@/services/api/queries/employees";
import { useSubTickets, useSubTicketStatus, type SubTicketAction } from "@/services/api/queries/ticket-actions";
import { useSession } from "@/services/api/session";
import type { SubTicket, Ticket } from "@/services/api/types";


// The create form (and the dialog and form libraries) loads when it is first opened.
const SubTicketCreateDialog = dynamic(() => import("./sub-ticket-create-dialog").then((m) => m.SubTicketCreateDialog), { ssr: false });

const STATUS: Record<string, { label: string; tone: "neutral" | "primary" | "warning" | "success" | "danger" }> = {
  open: { label: "Open", tone: "neutral" },
  assigned: { label: "Assigned", tone: "primary" },
  in_progress: { label: "In progress", tone: "warning" },
  done: { label: "Done", tone: "success" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

const ACTION_LABEL: Record<SubTicketAction, string> = { start: "Start", complete: "Complete", cancel: "Cancel sub-ticket" };

/**
 * The sub-ticket actions this user may take, as the server's sub-ticket machine allows them:
 * start (assigned) and complete (in progress) by its assignee; cancel while open by the
 * parent's moderator, an admin or the parent's assignee.
 */
export function subTicketActions(subTicket: SubTicket, parent: Ticket, user: SessionUser | null): SubTicketAction[] {
  const mine = Boolean(user?.id && subTicket.assignee_id === user.id);
  const actions: SubTicketAction[] = [];
  if (mine && subTicket.status === "assigned") actions.push("start");
  if (mine && subTicket.status === "in_progress") actions.push("complete");
  if (["open", "assigned", "in_progress"].includes(subTicket.status ?? "") && (moderates(user, parent.department_id) || isAssigneeOf(user, parent))) {
    actions.push("cancel");
  }
  return actions;
}

function DepartmentName({ id }: { id: string | undefined }) {
  return <>{useDepartmentName(id) ?? "—"}</>;
}

function SubTicketRow({ subTicket, parent }: { subTicket: SubTicket; parent: Ticket }) {
  const { user } = useSession();
  const mutation = useSubTicketStatus(parent.id ?? "");
  const status = STATUS[subTicket.status ?? ""] ?? { label: subTicket.status ?? "—", tone: "neutral" as const };
  const actions = subTicketActions(subTicket, parent, user);
  return (
    <li className="flex flex-col gap-2 rounded-md border border-border p-3 sm:flex-row sm:items-center sm:justify-between">
      <div className="min-w-0">
        <p className="font-medium break-words">{subTicket.title}</p>
        <p className="text-xs text-muted-foreground">
          <DepartmentName id={subTicket.department_id} /> · <PersonName id={subTicket.assignee_id} fallback="Unassigned" />
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={status.tone}>{status.label}</Badge>
        {actions.map((action) => (
          <Button
            key={action}
            size="sm"
            variant={action === "cancel" ? "ghost" : "secondary"}
            disabled={mutation.isPending}
            aria-label={`${ACTION_LABEL[action]}: ${subTicket.title}`}
            onClick={() =>
              mutation.mutate(
                { subTicket, action },
                { onError: (error) => toast(describeProblem(error), "error") },
              )
            }
          >
            {ACTION_LABEL[action]}
          </Button>
        ))}
      </div>
    </li>
  );
}

/** The ticket's sub-tickets: who works on what, their status, and splitting off a new one. */
export function SubTicketsSection({ ticket }: { ticket: Ticket }) {
  const { user } = useSession();
  const subTickets = useSubTickets(ticket.id ?? "");
  const [creating, setCreating] = useState(false);
  const createOpened = useOpenedOnce(creating);
  const mayCreate = canSplit(user, ticket);
  return (
    <section aria-labelledby="sub-tickets-heading" className="rounded-lg border border-border bg-surface p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="sub-tickets-heading" className="text-base font-semibold">
          Sub-tickets
        </h2>
        {mayCreate ? (
          <Button size="sm" variant="secondary" onClick={() => setCreating(true)}>
            New sub-ticket
          </Button>
        ) : null}
      </div>
      <div className="mt-3">
        {subTickets.isPending ? (
          <Skeleton className="h-14 w-full" />
        ) : subTickets.isError ? (
          <ErrorState error={subTickets.error} what="sub-tickets" onRetry={() => void subTickets.refetch()} />
        ) : !subTickets.data.length ? (
          <EmptyState title="No sub-tickets">
            {mayCreate ? "Split off part of the work with “New sub-ticket”." : "Work split off this ticket will be listed here."}
          </EmptyState>
        ) : (
          <ul className="flex flex-col gap-2">
            {subTickets.data.map((item) => (
              <SubTicketRow key={item.id} subTicket={item} parent={ticket} />
            ))}
          </ul>
        )}
      </div>
      {mayCreate && createOpened ? <SubTicketCreateDialog ticket={ticket} isOpen={creating} onClose={() => setCreating(false)} /> : null}
    </section>
  );
}
