"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { applyProblem } from "@/services/api/forms";
import { isConflict, useTicketAction } from "@/services/api/queries/ticket-actions";

import { DialogFooter } from "./dialog-footer";
import { resolveSchema, type ResolveValues } from "./resolve-dialog.schema";
import type { TransitionDialogProps } from "./types";

/** The assignee resolves with a note (refused while a sub-ticket is open or an approval pending). */
export function ResolveDialog({ ticket, isOpen, onClose, onConflict }: TransitionDialogProps) {
  const mutation = useTicketAction(ticket, { onConflict });
  const form = useForm<ResolveValues>({ resolver: zodResolver(resolveSchema), defaultValues: { resolution_note: "" } });
  const { errors } = form.formState;

  function close() {
    form.reset();
    mutation.reset();
    onClose();
  }

  function onSubmit(values: ResolveValues) {
    mutation.mutate(
      { action: "resolve", payload: { resolution_note: values.resolution_note.trim() } },
      {
        onSuccess: close,
        onError: (error) => (isConflict(error) ? close() : applyProblem(form, error)),
      },
    );
  }

  return (
    <Dialog isOpen={isOpen} onClose={close} title="Resolve ticket" description="The requestor sees the resolution note.">
      <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
        <FormError message={errors.root?.server?.message} />
        <Field label="Resolution note" error={errors.resolution_note?.message}>
          <Textarea {...form.register("resolution_note")} />
        </Field>
        <DialogFooter submitLabel="Resolve" isPending={mutation.isPending} onCancel={close} />
      </form>
    </Dialog>
  );
}
