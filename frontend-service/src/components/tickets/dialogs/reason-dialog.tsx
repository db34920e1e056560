"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { applyProblem } from "@/services/api/forms";
import { isConflict, useTicketAction } from "@/services/api/queries/ticket-actions";

import { DialogFooter } from "./dialog-footer";
import { optionalReasonSchema, reasonSchema, type ReasonValues } from "./reason-dialog.schema";
import type { TransitionDialogProps } from "./types";

export type ReasonAction = "reject" | "reopen" | "cancel_approval" | "resume";

const COPY: Record<ReasonAction, { title: string; description: string; label: string; submit: string; destructive: boolean }> = {
  reject: { title: "Reject ticket", description: "The requestor sees the reason.", label: "Reason", submit: "Reject", destructive: true },
  reopen: { title: "Reopen ticket", description: "The ticket goes back to review.", label: "Why reopen?", submit: "Reopen", destructive: false },
  cancel_approval: {
    title: "Cancel approval round",
    description: "The pending round ends as cancelled and the ticket returns to in progress.",
    label: "Reason",
    submit: "Cancel approval",
    destructive: true,
  },
  resume: { title: "Resume ticket", description: "The ticket returns to the state it was postponed from and its SLA clocks restart.", label: "Note (optional)", submit: "Resume", destructive: false },
};

/** Reject, reopen, cancel an approval round or resume: one reason field. */
export function ReasonDialog({ action, ticket, isOpen, onClose, onConflict }: TransitionDialogProps & { action: ReasonAction }) {
  const copy = COPY[action];
  const mutation = useTicketAction(ticket, { onConflict });
  const form = useForm<ReasonValues>({
    resolver: zodResolver(action === "resume" ? optionalReasonSchema : reasonSchema),
    defaultValues: { reason: "" },
  });
  const { errors } = form.formState;

  function close() {
    form.reset();
    mutation.reset();
    onClose();
  }

  function onSubmit(values: ReasonValues) {
    const reason = values.reason.trim();
    mutation.mutate(
      { action, payload: reason ? { reason } : {} },
      { onSuccess: close, onError: (error) => (isConflict(error) ? close() : applyProblem(form, error)) },
    );
  }

  return (
    <Dialog isOpen={isOpen} onClose={close} title={copy.title} description={copy.description}>
      <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
        <FormError message={errors.root?.server?.message} />
        <Field label={copy.label} error={errors.reason?.message}>
          <Textarea {...form.register("reason")} />
        </Field>
        <DialogFooter submitLabel={copy.submit} isPending={mutation.isPending} onCancel={close} destructive={copy.destructive} />
      </form>
    </Dialog>
  );
}
