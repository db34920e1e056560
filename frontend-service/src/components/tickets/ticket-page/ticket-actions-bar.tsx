"use client";

import { useState } from "react";

import { AssignDialog } from "@/components/tickets/dialogs/assign-dialog";
import { ConfirmActionDialog } from "@/components/tickets/dialogs/confirm-action-dialog";
import { PostponeDialog } from "@/components/tickets/dialogs/postpone-dialog";
import { ProgressDialog } from "@/components/tickets/dialogs/progress-dialog";
import { ReasonDialog } from "@/components/tickets/dialogs/reason-dialog";
import { RequestApprovalDialog } from "@/components/tickets/dialogs/request-approval-dialog";
import { ResolveDialog } from "@/components/tickets/dialogs/resolve-dialog";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import { describeProblem } from "@/services/api/forms";
import { isConflict, useTicketAction, type TicketAction } from "@/services/api/queries/ticket-actions";
import type { Ticket } from "@/services/api/types";

import { actionButtonLabel, orderActions } from "./action-labels";

/** Actions that need input (or a second thought) open a dialog; the rest apply at once. */
const WITH_DIALOG = new Set([
  "assign",
  "reassign",
  "reject",
  "postpone",
  "resume",
  "progress",
  "request_approval",
  "resolve",
  "close",
  "reopen",
  "cancel",
  "cancel_approval",
]);

const SECONDARY = new Set(["postpone", "resume", "reopen", "cancel_approval"]);
const DESTRUCTIVE = new Set(["reject", "cancel"]);

function ActionDialog({ action, ticket, onClose, onConflict }: { action: string; ticket: Ticket; onClose: () => void; onConflict: () => void }) {
  const props = { ticket, isOpen: true, onClose, onConflict };
  switch (action) {
    case "assign":
    case "reassign":
      return <AssignDialog action={action} {...props} />;
    case "reject":
    case "reopen":
    case "cancel_approval":
    case "resume":
      return <ReasonDialog action={action} {...props} />;
    case "postpone":
      return <PostponeDialog {...props} />;
    case "progress":
      return <ProgressDialog {...props} />;
    case "request_approval":
      return <RequestApprovalDialog {...props} />;
    case "resolve":
      return <ResolveDialog {...props} />;
    case "close":
    case "cancel":
      return <ConfirmActionDialog action={action} {...props} />;
    default:
      return null;
  }
}

/**
 * One button per action in the ticket's `allowed_actions`, and nothing else: the server
 * decides what this user may do now.
 */
export function TicketActionsBar({ ticket, onConflict }: { ticket: Ticket; onConflict: () => void }) {
  const [open, setOpen] = useState<string | null>(null);
  const direct = useTicketAction(ticket, { onConflict });
  const actions = orderActions(ticket.allowed_actions);
  if (!actions.length) return null;

  function run(action: string) {
    if (WITH_DIALOG.has(action)) {
      setOpen(action);
      return;
    }
    direct.mutate(
      { action: action as TicketAction },
      {
        onSuccess: () => toast(`${actionButtonLabel(action)}: done.`, "success"),
        onError: (error) => (isConflict(error) ? undefined : toast(describeProblem(error), "error")),
      },
    );
  }

  return (
    <div role="group" aria-label="Ticket actions" className="flex flex-wrap gap-2">
      {actions.map((action) => (
        <Button
          key={action}
          size="sm"
          data-action={action}
          variant={DESTRUCTIVE.has(action) ? "destructive" : SECONDARY.has(action) ? "secondary" : "primary"}
          disabled={direct.isPending}
          onClick={() => run(action)}
        >
          {actionButtonLabel(action)}
        </Button>
      ))}
      {open ? <ActionDialog key={open} action={open} ticket={ticket} onClose={() => setOpen(null)} onConflict={onConflict} /> : null}
    </div>
  );
}
