"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { localInputToIso, toLocalInput } from "@/components/tickets/ticket-page/format";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { applyProblem } from "@/services/api/forms";
import { isConflict, useOverrideSla } from "@/services/api/queries/ticket-actions";
import type { Ticket } from "@/services/api/types";

import { slaOverrideSchema, type SlaOverrideValues } from "./sla-override-dialog.schema";

/** A moderator or admin sets the resolution due time, with a reason (audited). */
export function SlaOverrideDialog({
  ticket,
  isOpen,
  onClose,
  onConflict,
}: {
  ticket: Ticket;
  isOpen: boolean;
  onClose: () => void;
  onConflict: () => void;
}) {
  const mutation = useOverrideSla(ticket, { onConflict });
  const form = useForm<SlaOverrideValues>({
    resolver: zodResolver(slaOverrideSchema),
    defaultValues: { due_at: ticket.resolution_due_at ? toLocalInput(new Date(ticket.resolution_due_at)) : "", reason: "" },
  });
  const { errors } = form.formState;

  function close() {
    form.reset();
    mutation.reset();
    onClose();
  }

  function onSubmit(values: SlaOverrideValues) {
    const dueAt = localInputToIso(values.due_at);
    if (!dueAt) {
      form.setError("due_at", { message: "Enter a valid date and time." });
      return;
    }
    mutation.mutate(
      { due_at: dueAt, reason: values.reason },
      {
        onSuccess: close,
        onError: (error) => (isConflict(error) ? close() : applyProblem(form, error)),
      },
    );
  }

  return (
    <Dialog isOpen={isOpen} onClose={close} title="Override SLA" description="Set the resolution due time of this ticket. The change and its reason go into the history.">
      <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
        <FormError message={errors.root?.server?.message} />
        <Field label="New resolution due time" error={errors.due_at?.message}>
          <Input type="datetime-local" {...form.register("due_at")} />
        </Field>
        <Field label="Reason" error={errors.reason?.message}>
          <Textarea {...form.register("reason")} />
        </Field>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? "Saving…" : "Save due time"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
