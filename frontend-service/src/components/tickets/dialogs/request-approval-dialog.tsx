"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm } from "react-hook-form";

import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Select, Textarea } from "@/components/ui/input";
import { applyProblem } from "@/services/api/forms";
import { useRequestApproval } from "@/services/api/queries/approvals";
import { isConflict } from "@/services/api/queries/ticket-actions";
import { useSession } from "@/services/api/session";

import { DialogFooter } from "./dialog-footer";
import { EmployeeMultiPicker } from "./employee-picker";
import { requestApprovalSchema, type RequestApprovalValues } from "./request-approval-dialog.schema";
import type { TransitionDialogProps } from "./types";

/** Ask one or more people (never yourself) to approve; the ticket waits for the round. */
export function RequestApprovalDialog({ ticket, isOpen, onClose, onConflict }: TransitionDialogProps) {
  const { user } = useSession();
  const mutation = useRequestApproval(ticket, { onConflict });
  const form = useForm<RequestApprovalValues>({
    resolver: zodResolver(requestApprovalSchema),
    defaultValues: { approver_ids: [], mode: "all", note: "" },
  });
  const { errors } = form.formState;

  function close() {
    form.reset();
    mutation.reset();
    onClose();
  }

  function onSubmit(values: RequestApprovalValues) {
    mutation.mutate(
      { approver_ids: values.approver_ids, mode: values.mode, note: values.note.trim() },
      { onSuccess: close, onError: (error) => (isConflict(error) ? close() : applyProblem(form, error)) },
    );
  }

  return (
    <Dialog isOpen={isOpen} onClose={close} title="Request approval" description="The ticket waits until the round has an outcome.">
      <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
        <FormError message={errors.root?.server?.message} />
        {isOpen ? (
          <Controller
            control={form.control}
            name="approver_ids"
            render={({ field }) => (
              <EmployeeMultiPicker
                legend="Approvers"
                value={field.value}
                onChange={field.onChange}
                exclude={user?.id ? [user.id] : []}
                error={errors.approver_ids?.message}
              />
            )}
          />
        ) : null}
        <Field label="Mode" error={errors.mode?.message}>
          <Select {...form.register("mode")}>
            <option value="all">All approvers must approve</option>
            <option value="any">Any one approver is enough</option>
          </Select>
        </Field>
        <Field label="Note" error={errors.note?.message} hint="Optional: what should the approvers look at?">
          <Textarea {...form.register("note")} />
        </Field>
        <DialogFooter submitLabel="Request approval" isPending={mutation.isPending} onCancel={close} />
      </form>
    </Dialog>
  );
}
