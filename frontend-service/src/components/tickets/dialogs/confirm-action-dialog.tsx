"use client";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { describeProblem } from "@/services/api/forms";
import { isConflict, useTicketAction } from "@/services/api/queries/ticket-actions";

import type { TransitionDialogProps } from "./types";

export type ConfirmAction = "close" | "cancel";

const COPY: Record<ConfirmAction, { title: string; description: string; submit: string }> = {
  close: { title: "Close ticket", description: "A closed ticket cannot be reopened.", submit: "Close ticket" },
  cancel: { title: "Cancel ticket", description: "Nobody will work on it any more. This cannot be undone.", submit: "Cancel ticket" },
};

/** Actions without input that cannot be undone ask once more. */
export function ConfirmActionDialog({ action, ticket, isOpen, onClose, onConflict }: TransitionDialogProps & { action: ConfirmAction }) {
  const copy = COPY[action];
  const mutation = useTicketAction(ticket, { onConflict });

  function close() {
    mutation.reset();
    onClose();
  }

  return (
    <Dialog isOpen={isOpen} onClose={close} title={copy.title} description={copy.description}>
      <div className="flex flex-col gap-4">
        {mutation.isError && !isConflict(mutation.error) ? <FormError message={describeProblem(mutation.error)} /> : null}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="secondary" onClick={close}>
            Keep it
          </Button>
          <Button
            variant="destructive"
            disabled={mutation.isPending}
            onClick={() => mutation.mutate({ action }, { onSuccess: close, onError: (error) => (isConflict(error) ? close() : undefined) })}
          >
            {mutation.isPending ? "Saving…" : copy.submit}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
