"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { localInputToIso, toLocalInput } from "@/components/tickets/ticket-page/format";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { applyProblem } from "@/services/api/forms";
import { isConflict, useTicketAction } from "@/services/api/queries/ticket-actions";

import { DialogFooter } from "./dialog-footer";
import { postponeSchema, type PostponeValues } from "./postpone-dialog.schema";
import type { TransitionDialogProps } from "./types";

/** Postpone until a time in the future; the SLA clocks stop meanwhile. */
export function PostponeDialog({ ticket, isOpen, onClose, onConflict }: TransitionDialogProps) {
  const mutation = useTicketAction(ticket, { onConflict });
  const form = useForm<PostponeValues>({ resolver: zodResolver(postponeSchema), defaultValues: { reason: "", resume_at: "" } });
  const { errors } = form.formState;

  function close() {
    form.reset();
    mutation.reset();
    onClose();
  }

  function onSubmit(values: PostponeValues) {
    mutation.mutate(
      { action: "postpone", payload: { reason: values.reason.trim(), resume_at: localInputToIso(values.resume_at) ?? values.resume_at } },
      { onSuccess: close, onError: (error) => (isConflict(error) ? close() : applyProblem(form, error)) },
    );
  }

  return (
    <Dialog isOpen={isOpen} onClose={close} title="Postpone ticket" description="The SLA clocks stop until work resumes.">
      <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
        <FormError message={errors.root?.server?.message} />
        <Field label="Reason" error={errors.reason?.message}>
          <Textarea {...form.register("reason")} />
        </Field>
        <Field label="Resume at" error={errors.resume_at?.message} hint="Your local time.">
          <Input type="datetime-local" min={toLocalInput(new Date())} {...form.register("resume_at")} />
        </Field>
        <DialogFooter submitLabel="Postpone" isPending={mutation.isPending} onCancel={close} />
      </form>
    </Dialog>
  );
}
