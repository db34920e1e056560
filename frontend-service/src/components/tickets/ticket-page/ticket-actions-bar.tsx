"use client";

import dynamic from "next/dynamic";
import { useState } from "react";

import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import { describeProblem } from "@/services/api/forms";
import { isConflict, useTicketAction, type TicketAction } from "@/services/api/queries/ticket-actions";
import type { Ticket } from "@/services/api/types";

import { actionButtonLabel, orderActions } from "./action-labels";

// The action dialogs (and the dialog and form libraries) load when a button first opens one.
const ActionDialog = dynamic(() => import("./ticket-action-dialog").then((m) => m.ActionDialog), { ssr: false });

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
