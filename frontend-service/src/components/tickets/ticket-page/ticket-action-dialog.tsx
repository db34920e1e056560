"use client";

import { AssignDialog } from "@/components/tickets/dialogs/assign-dialog";
import { ConfirmActionDialog } from "@/components/tickets/dialogs/confirm-action-dialog";
import { PostponeDialog } from "@/components/tickets/dialogs/postpone-dialog";
import { ProgressDialog } from "@/components/tickets/dialogs/progress-dialog";
import { ReasonDialog } from "@/components/tickets/dialogs/reason-dialog";
import { RequestApprovalDialog } from "@/components/tickets/dialogs/request-approval-dialog";
import { ResolveDialog } from "@/components/tickets/dialogs/resolve-dialog";
import type { Ticket } from "@/services/api/types";

/**
 * The dialog of one ticket action that needs input (or a second thought), open. The actions
 * bar loads this module on demand, when a button first opens a dialog.
 */
export function ActionDialog({ action, ticket, onClose, onConflict }: { action: string; ticket: Ticket; onClose: () => void; onConflict: () => void }) {
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
