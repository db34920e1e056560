"use client";

import { useId } from "react";

import { Select } from "@/components/ui/input";
import { useEmployees } from "@/services/api/queries/employees";

/** Picks one of the department's assignees (or anyone). */
export function AssigneePicker({
  departmentId,
  value,
  onChange,
  label = "Assignee",
}: {
  departmentId: string | undefined;
  value: string | undefined;
  onChange: (id: string | undefined) => void;
  label?: string;
}) {
  const id = useId();
  const people = useEmployees({ role: "assignee", role_department_id: departmentId, is_active: true, limit: 100 }, Boolean(departmentId));
  const items = (people.data?.items ?? []) as Array<{ id?: string; name?: string; employee_code?: string }>;
  const known = items.some((person) => person.id === value);
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <Select id={id} value={value ?? ""} onChange={(event) => onChange(event.target.value || undefined)} aria-busy={people.isPending && Boolean(departmentId)}>
        <option value="">Anyone</option>
        {value && !known ? <option value={value}>{people.isPending ? "Loading…" : "Someone else"}</option> : null}
        {items.map((person) => (
          <option key={person.id} value={person.id}>
            {person.name} ({person.employee_code})
          </option>
        ))}
      </Select>
    </div>
  );
}
