"use client";

import type { ComponentProps } from "react";

import { Select } from "@/components/ui/input";
import { useDepartments } from "@/services/api/queries/employees";

/**
 * A select of departments with a first option whose value is "" (no department, or all of
 * them in a filter). Inactive departments are listed only with `includeInactive`, marked.
 */
export function DepartmentSelect({
  emptyLabel,
  includeInactive = false,
  ...props
}: ComponentProps<"select"> & { emptyLabel: string; includeInactive?: boolean }) {
  const { data, isPending } = useDepartments(includeInactive);
  return (
    <Select {...props}>
      <option value="">{isPending ? "Loading departments…" : emptyLabel}</option>
      {(data ?? []).map((department) => (
        <option key={department.id} value={department.id}>
          {department.name}
          {department.is_active === false ? " (inactive)" : ""}
        </option>
      ))}
    </Select>
  );
}

/** A department's name by id, inactive ones included (admins see past departments too). */
export function useAnyDepartmentName(id: string | null | undefined): string | undefined {
  const { data } = useDepartments(true);
  return data?.find((d) => d.id === id)?.name;
}
