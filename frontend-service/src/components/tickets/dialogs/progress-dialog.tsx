"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { applyProblem } from "@/services/api/forms";
import { isConflict, useTicketAction } from "@/services/api/queries/ticket-actions";

import { DialogFooter } from "./dialog-footer";
import { progressSchema, type ProgressValues } from "./progress-dialog.schema";
import type { TransitionDialogProps } from "./types";

/** The assignee reports progress 0..100 with an optional note (required to go down). */
export function ProgressDialog({ ticket, isOpen, onClose, onConflict }: TransitionDialogProps) {
  const current = ticket.progress ?? 0;
  const mutation = useTicketAction(ticket, { onConflict });
  const form = useForm<ProgressValues>({ resolver: zodResolver(progressSchema(current)), defaultValues: { percent: current, note: "" } });
  const { errors } = form.formState;
  const percent = form.watch("percent");

  function close() {
    form.reset({ percent: current, note: "" });
    mutation.reset();
    onClose();
  }

  function onSubmit(values: ProgressValues) {
    const note = values.note.trim();
    mutation.mutate(
      { action: "progress", payload: { percent: values.percent, ...(note ? { note } : {}) } },
      { onSuccess: close, onError: (error) => (isConflict(error) ? close() : applyProblem(form, error)) },
    );
  }

  return (
    <Dialog isOpen={isOpen} onClose={close} title="Report progress" description={`Now at ${current}%.`}>
      <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
        <FormError message={errors.root?.server?.message} />
        <Field label={`Progress: ${percent}%`} error={errors.percent?.message}>
          <input type="range" min={0} max={100} step={5} className="w-full accent-primary" {...form.register("percent", { valueAsNumber: true })} />
        </Field>
        <Field label="Note" error={errors.note?.message} hint={percent < current ? "Required when progress goes down." : "Optional."}>
          <Textarea {...form.register("note")} />
        </Field>
        <DialogFooter submitLabel="Save progress" isPending={mutation.isPending} onCancel={close} />
      </form>
    </Dialog>
  );
}
