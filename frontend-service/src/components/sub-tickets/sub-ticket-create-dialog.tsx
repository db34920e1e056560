"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { Controller, useForm } from "react-hook-form";

import { DialogFooter } from "@/components/tickets/dialogs/dialog-footer";
import { EmployeeSelect } from "@/components/tickets/dialogs/employee-picker";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select, Textarea } from "@/components/ui/input";
import { applyProblem } from "@/services/api/forms";
import { useDepartments } from "@/services/api/queries/employees";
import { useCreateSubTicket } from "@/services/api/queries/ticket-actions";
import type { Ticket } from "@/services/api/types";

import { subTicketCreateSchema, type SubTicketCreateValues } from "./sub-ticket-create-dialog.schema";

/** Split part of the work into a sub-ticket for a department and (optionally) one of its assignees. */
export function SubTicketCreateDialog({ ticket, isOpen, onClose }: { ticket: Ticket; isOpen: boolean; onClose: () => void }) {
  const departments = useDepartments();
  const mutation = useCreateSubTicket(ticket.id ?? "");
  const form = useForm<SubTicketCreateValues>({
    resolver: zodResolver(subTicketCreateSchema),
    defaultValues: { title: "", description: "", department_id: ticket.department_id ?? "", assignee_id: "" },
  });
  const { errors } = form.formState;
  const departmentId = form.watch("department_id");

  function close() {
    form.reset();
    mutation.reset();
    onClose();
  }

  function onSubmit(values: SubTicketCreateValues) {
    mutation.mutate(
      {
        title: values.title.trim(),
        description: values.description.trim(),
        department_id: values.department_id,
        assignee_id: values.assignee_id || null,
      },
      { onSuccess: close, onError: (error) => applyProblem(form, error) },
    );
  }

  return (
    <Dialog isOpen={isOpen} onClose={close} title="New sub-ticket" description="The parent ticket cannot be resolved while a sub-ticket is open.">
      <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
        <FormError message={errors.root?.server?.message} />
        <Field label="Title" error={errors.title?.message}>
          <Input {...form.register("title")} />
        </Field>
        <Field label="Description" error={errors.description?.message}>
          <Textarea {...form.register("description")} />
        </Field>
        <Field label="Department" error={errors.department_id?.message}>
          <Select
            {...form.register("department_id", {
              onChange: () => form.setValue("assignee_id", ""),
            })}
          >
            <option value="">Choose a department</option>
            {(departments.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </Select>
        </Field>
        {isOpen && departmentId ? (
          <Controller
            control={form.control}
            name="assignee_id"
            render={({ field }) => (
              <EmployeeSelect
                key={departmentId}
                label="Assignee (optional)"
                name={field.name}
                value={field.value}
                onChange={field.onChange}
                filters={{ role: "assignee", role_department_id: departmentId }}
                error={errors.assignee_id?.message}
              />
            )}
          />
        ) : null}
        <DialogFooter submitLabel="Create sub-ticket" pendingLabel="Creating…" isPending={mutation.isPending} onCancel={close} />
      </form>
    </Dialog>
  );
}
