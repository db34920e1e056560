"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm } from "react-hook-form";

import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { applyProblem } from "@/services/api/forms";
import { isConflict, useTicketAction } from "@/services/api/queries/ticket-actions";

import { assignSchema, type AssignValues } from "./assign-dialog.schema";
import { DialogFooter } from "./dialog-footer";
import { EmployeeSelect } from "./employee-picker";
import type { TransitionDialogProps } from "./types";

/** Assign or reassign to an assignee of the ticket's department. */
export function AssignDialog({ action, ticket, isOpen, onClose, onConflict }: TransitionDialogProps & { action: "assign" | "reassign" }) {
  const mutation = useTicketAction(ticket, { onConflict });
  const form = useForm<AssignValues>({ resolver: zodResolver(assignSchema), defaultValues: { assignee_id: "" } });
  const { errors } = form.formState;
  const title = action === "assign" ? "Assign ticket" : "Reassign ticket";

  function close() {
    form.reset();
    mutation.reset();
    onClose();
  }

  function onSubmit(values: AssignValues) {
    mutation.mutate(
      { action, payload: { assignee_id: values.assignee_id } },
      { onSuccess: close, onError: (error) => (isConflict(error) ? close() : applyProblem(form, error)) },
    );
  }

  return (
    <Dialog isOpen={isOpen} onClose={close} title={title} description="Only assignees of the ticket's department can take it.">
      <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
        <FormError message={errors.root?.server?.message} />
        {isOpen ? (
          <Controller
            control={form.control}
            name="assignee_id"
            render={({ field }) => (
              <EmployeeSelect
                label="Assignee"
                name={field.name}
                value={field.value}
                onChange={field.onChange}
                filters={{ role: "assignee", role_department_id: ticket.department_id }}
                exclude={action === "reassign" && ticket.assignee_id ? [ticket.assignee_id] : []}
                error={errors.assignee_id?.message}
              />
            )}
          />
        ) : null}
        <DialogFooter submitLabel={action === "assign" ? "Assign" : "Reassign"} isPending={mutation.isPending} onCancel={close} />
      </form>
    </Dialog>
  );
}
