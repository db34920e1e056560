"use client";

import { useDeferredValue, useId, useState } from "react";

import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { describeProblem } from "@/services/api/forms";
import { isProblem } from "@/services/api/problem";
import { useEmployees, type EmployeeFilters } from "@/services/api/queries/employees";
import type { Employee } from "@/services/api/types";

function directoryError(error: unknown): string {
  if (isProblem(error) && error.status === 403) return "Your role cannot browse the directory. Ask a moderator to do this.";
  return describeProblem(error);
}

/** The directory filtered by a search box (server-side `q`), minus the people in `exclude`. */
function useDirectory(filters: EmployeeFilters, search: string, exclude: string[]) {
  const q = useDeferredValue(search.trim());
  const query = useEmployees({ is_active: true, limit: 50, ...filters, ...(q ? { q } : {}) });
  const people = ((query.data?.items ?? []) as Employee[]).filter((e) => e.id && !exclude.includes(e.id));
  return { ...query, people };
}

/**
 * A searchable single choice from the directory (e.g. the assignees of one department):
 * a search box narrows the list, the select holds the choice.
 */
export function EmployeeSelect({
  label,
  value,
  onChange,
  filters,
  exclude = [],
  error,
  name,
}: {
  label: string;
  value: string;
  onChange: (id: string) => void;
  filters: EmployeeFilters;
  exclude?: string[];
  error?: string;
  name?: string;
}) {
  const [search, setSearch] = useState("");
  const directory = useDirectory(filters, search, exclude);
  return (
    <div className="flex flex-col gap-3">
      <Field label={`Search ${label.toLowerCase()}`}>
        <Input type="search" value={search} placeholder="Name or employee code" onChange={(e) => setSearch(e.target.value)} />
      </Field>
      <Field label={label} error={error ?? (directory.isError ? directoryError(directory.error) : undefined)} hint={directory.isPending ? "Loading people…" : undefined}>
        <Select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{directory.people.length ? "Choose a person" : "Nobody matches"}</option>
          {directory.people.map((person) => (
            <option key={person.id} value={person.id}>
              {person.name} ({person.employee_code})
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}

/** A searchable multiple choice from the directory, as checkboxes. */
export function EmployeeMultiPicker({
  legend,
  value,
  onChange,
  filters = {},
  exclude = [],
  error,
}: {
  legend: string;
  value: string[];
  onChange: (ids: string[]) => void;
  filters?: EmployeeFilters;
  exclude?: string[];
  error?: string;
}) {
  const [search, setSearch] = useState("");
  const directory = useDirectory(filters, search, exclude);
  const errorId = useId();
  const shownError = error ?? (directory.isError ? directoryError(directory.error) : undefined);
  function toggle(id: string, checked: boolean) {
    onChange(checked ? [...value, id] : value.filter((v) => v !== id));
  }
  return (
    <fieldset className="flex flex-col gap-2" aria-describedby={shownError ? errorId : undefined} aria-invalid={shownError ? true : undefined}>
      <legend className="text-sm font-medium">{legend}</legend>
      <Field label={`Search ${legend.toLowerCase()}`}>
        <Input type="search" value={search} placeholder="Name or employee code" onChange={(e) => setSearch(e.target.value)} />
      </Field>
      {directory.isPending ? (
        <Skeleton className="h-20 w-full" />
      ) : (
        <ul className="flex max-h-48 flex-col gap-1 overflow-y-auto rounded-md border border-border p-2">
          {directory.people.map((person) => (
            <li key={person.id}>
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={value.includes(person.id ?? "")} onChange={(e) => toggle(person.id ?? "", e.target.checked)} />
                {person.name} ({person.employee_code})
              </label>
            </li>
          ))}
          {!directory.people.length ? <li className="text-sm text-muted-foreground">Nobody matches.</li> : null}
        </ul>
      )}
      {value.length ? <p className="text-xs text-muted-foreground">{value.length} selected</p> : null}
      {shownError ? (
        <p id={errorId} className="text-sm text-destructive">
          {shownError}
        </p>
      ) : null}
    </fieldset>
  );
}
