"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { applyProblem } from "@/services/api/forms";
import { useCreateEmployee } from "@/services/api/queries/admin";
import type { Employee } from "@/services/api/types";

import { DepartmentSelect } from "../department-select";
import { employeeCreateSchema, type EmployeeCreateInput, type EmployeeCreateValues } from "../employee-form.schema";

export function NewEmployeeDialog({
  isOpen,
  onClose,
  onCreated,
}: {
  isOpen: boolean;
  onClose: () => void;
  onCreated?: (employee: Employee) => void;
}) {
  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="New employee" description="They can sign in once you grant them an HDMS role.">
      {isOpen ? <NewEmployeeForm onCancel={onClose} onCreated={onCreated ?? onClose} /> : null}
    </Dialog>
  );
}

export function NewEmployeeForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (employee: Employee) => void }) {
  // One key per filled-in form: a retried submit cannot create the employee twice.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const create = useCreateEmployee();
  const form = useForm<EmployeeCreateInput, unknown, EmployeeCreateValues>({
    resolver: zodResolver(employeeCreateSchema),
    defaultValues: { employee_code: "", name: "", email: "", department_id: "", password: "", is_active: true },
  });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: EmployeeCreateValues) {
    try {
      const employee = await create.mutateAsync({ body: values, idempotencyKey });
      toast(`${employee.name ?? "The employee"} was created.`, "success");
      onCreated(employee);
    } catch (error) {
      applyProblem(form, error);
    }
  }

  return (
    <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
      <FormError message={errors.root?.server?.message} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Employee code" error={errors.employee_code?.message}>
          <Input autoComplete="off" {...form.register("employee_code")} />
        </Field>
        <Field label="Name" error={errors.name?.message}>
          <Input autoComplete="off" {...form.register("name")} />
        </Field>
      </div>
      <Field label="E-mail" hint="Optional." error={errors.email?.message}>
        <Input type="email" autoComplete="off" {...form.register("email")} />
      </Field>
      <Field label="Department" error={errors.department_id?.message}>
        <DepartmentSelect emptyLabel="No department" {...form.register("department_id")} />
      </Field>
      <Field label="Initial password" hint="At least 10 characters; share it with them privately." error={errors.password?.message}>
        <Input type="password" autoComplete="new-password" {...form.register("password")} />
      </Field>
      <Field label="Active" hint="Inactive employees cannot sign in." error={errors.is_active?.message}>
        <input type="checkbox" className="h-4 w-4 accent-primary" {...form.register("is_active")} />
      </Field>
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Creating…" : "Create employee"}
        </Button>
      </div>
    </form>
  );
}
