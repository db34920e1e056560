"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { applyProblem } from "@/services/api/forms";
import { useUpdateEmployee } from "@/services/api/queries/admin";
import type { Employee, EmployeeUpdate } from "@/services/api/types";

import { DepartmentSelect } from "./department-select";
import { employeeUpdateSchema, type EmployeeUpdateInput, type EmployeeUpdateValues } from "./employee-form.schema";

function valuesOf(employee: Employee): EmployeeUpdateInput {
  return {
    name: employee.name,
    email: employee.email ?? "",
    department_id: employee.department_id ?? "",
    is_active: employee.is_active !== false,
    password: "",
  };
}

/** Edits an employee; only the fields that changed are sent. */
export function EmployeeEditForm({ employee }: { employee: Employee }) {
  const update = useUpdateEmployee(employee.id);
  const form = useForm<EmployeeUpdateInput, unknown, EmployeeUpdateValues>({
    resolver: zodResolver(employeeUpdateSchema),
    defaultValues: valuesOf(employee),
  });
  const { errors, isSubmitting, isDirty, dirtyFields } = form.formState;

  // The server's copy wins after a save or a change elsewhere (the form starts over from it).
  useEffect(() => {
    form.reset(valuesOf(employee));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [employee.updated_at, employee.is_active]);

  async function onSubmit(values: EmployeeUpdateValues) {
    const body: EmployeeUpdate = {};
    if (dirtyFields.name) body.name = values.name;
    if (dirtyFields.email) body.email = values.email;
    if (dirtyFields.department_id) body.department_id = values.department_id;
    if (dirtyFields.is_active) body.is_active = values.is_active;
    if (values.password) body.password = values.password;
    if (!Object.keys(body).length) return;
    try {
      const saved = await update.mutateAsync(body);
      form.reset(valuesOf(saved));
      const endedSessions = body.password !== undefined || body.is_active === false;
      toast(endedSessions ? "Saved. Their sessions have ended; they sign in again." : "Saved.", "success");
    } catch (error) {
      applyProblem(form, error);
    }
  }

  return (
    <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)} aria-label="Employee details">
      <FormError message={errors.root?.server?.message} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" error={errors.name?.message}>
          <Input autoComplete="off" {...form.register("name")} />
        </Field>
        <Field label="E-mail" hint="Optional." error={errors.email?.message}>
          <Input type="email" autoComplete="off" {...form.register("email")} />
        </Field>
        <Field label="Department" error={errors.department_id?.message}>
          <DepartmentSelect emptyLabel="No department" {...form.register("department_id")} />
        </Field>
        <Field label="New password" hint="Leave empty to keep the current one. A new password ends their sessions." error={errors.password?.message}>
          <Input type="password" autoComplete="new-password" {...form.register("password")} />
        </Field>
      </div>
      <Field label="Active" hint="Inactive employees cannot sign in; clearing this ends their sessions." error={errors.is_active?.message}>
        <input type="checkbox" className="h-4 w-4 accent-primary" {...form.register("is_active")} />
      </Field>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" disabled={!isDirty || isSubmitting} onClick={() => form.reset(valuesOf(employee))}>
          Discard changes
        </Button>
        <Button type="submit" disabled={!isDirty || isSubmitting}>
          {isSubmitting ? "Saving…" : "Save changes"}
        </Button>
      </div>
    </form>
  );
}
