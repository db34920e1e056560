"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { toast } from "@/components/ui/toast";
import { applyProblem } from "@/services/api/forms";
import { useCreateDepartment, useUpdateDepartment } from "@/services/api/queries/admin";
import type { Department } from "@/services/api/types";

import {
  departmentCreateSchema,
  departmentUpdateSchema,
  type DepartmentCreateInput,
  type DepartmentCreateValues,
  type DepartmentUpdateInput,
  type DepartmentUpdateValues,
} from "../department-form.schema";

/** Creates a department, or edits one when `department` is given. */
export function DepartmentDialog({ isOpen, onClose, department }: { isOpen: boolean; onClose: () => void; department?: Department }) {
  return (
    <Dialog isOpen={isOpen} onClose={onClose} title={department ? `Edit ${department.name}` : "New department"}>
      {isOpen ? department ? <EditDepartmentForm department={department} onDone={onClose} /> : <NewDepartmentForm onDone={onClose} /> : null}
    </Dialog>
  );
}

function NewDepartmentForm({ onDone }: { onDone: () => void }) {
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const create = useCreateDepartment();
  const form = useForm<DepartmentCreateInput, unknown, DepartmentCreateValues>({
    resolver: zodResolver(departmentCreateSchema),
    defaultValues: { name: "", code: "", description: "" },
  });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: DepartmentCreateValues) {
    try {
      const department = await create.mutateAsync({ body: values, idempotencyKey });
      toast(`${department.name ?? "The department"} was created.`, "success");
      onDone();
    } catch (error) {
      applyProblem(form, error);
    }
  }

  return (
    <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
      <FormError message={errors.root?.server?.message} />
      <Field label="Name" error={errors.name?.message}>
        <Input autoComplete="off" {...form.register("name")} />
      </Field>
      <Field label="Code" hint="Upper-case letters, digits, _ and -; up to 20. It cannot be changed later." error={errors.code?.message}>
        <Input autoComplete="off" className="font-mono uppercase" {...form.register("code")} />
      </Field>
      <Field label="Description" hint="Optional." error={errors.description?.message}>
        <Textarea {...form.register("description")} />
      </Field>
      <FormButtons onCancel={onDone} pending={isSubmitting} label="Create department" pendingLabel="Creating…" />
    </form>
  );
}

function EditDepartmentForm({ department, onDone }: { department: Department; onDone: () => void }) {
  const update = useUpdateDepartment(department.id);
  const form = useForm<DepartmentUpdateInput, unknown, DepartmentUpdateValues>({
    resolver: zodResolver(departmentUpdateSchema),
    defaultValues: { name: department.name ?? "", description: department.description ?? "" },
  });
  const { errors, isSubmitting, dirtyFields } = form.formState;

  async function onSubmit(values: DepartmentUpdateValues) {
    const body: Partial<DepartmentUpdateValues> = {};
    if (dirtyFields.name) body.name = values.name;
    if (dirtyFields.description) body.description = values.description;
    if (!Object.keys(body).length) {
      onDone();
      return;
    }
    try {
      const saved = await update.mutateAsync(body);
      toast(`${saved.name ?? "The department"} was saved.`, "success");
      onDone();
    } catch (error) {
      applyProblem(form, error);
    }
  }

  return (
    <form className="flex flex-col gap-4" noValidate onSubmit={form.handleSubmit(onSubmit)}>
      <FormError message={errors.root?.server?.message} />
      <Field label="Name" error={errors.name?.message}>
        <Input autoComplete="off" {...form.register("name")} />
      </Field>
      <Field label="Code" hint="Codes are fixed once created: tickets and reports refer to them.">
        <Input className="font-mono" value={department.code} readOnly disabled />
      </Field>
      <Field label="Description" hint="Optional." error={errors.description?.message}>
        <Textarea {...form.register("description")} />
      </Field>
      <FormButtons onCancel={onDone} pending={isSubmitting} label="Save changes" pendingLabel="Saving…" />
    </form>
  );
}

function FormButtons({ onCancel, pending, label, pendingLabel }: { onCancel: () => void; pending: boolean; label: string; pendingLabel: string }) {
  return (
    <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
      <Button variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type="submit" disabled={pending}>
        {pending ? pendingLabel : label}
      </Button>
    </div>
  );
}
