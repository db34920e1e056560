"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

import { EmptyState, ErrorState } from "@/components/shell/access-states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { useOpenedOnce } from "@/lib/use-opened-once";
import { useEmployeePages } from "@/services/api/queries/admin";
import type { Employee } from "@/services/api/types";

import { AdminNav } from "./admin-nav";
import { AdminOnly } from "./admin-only";
import { DepartmentSelect, useAnyDepartmentName } from "./department-select";
import { EmployeeStatusBadge } from "./employee-status-badge";
import { ROLE_LABELS } from "./roles";
import { useEmployeeFilters, type ActiveFilter } from "./use-employee-filters";

// The form (and the dialog and form libraries) loads when it is first opened.
const NewEmployeeDialog = dynamic(() => import("./dialogs/new-employee-dialog").then((m) => m.NewEmployeeDialog), { ssr: false });

export function EmployeesRoot() {
  return (
    <AdminOnly>
      <EmployeesScreen />
    </AdminOnly>
  );
}

function EmployeesScreen() {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  const createOpened = useOpenedOnce(creating);
  const { value, setFilters, apiFilters } = useEmployeeFilters();
  const filtered = Boolean(apiFilters.q || apiFilters.department_id || apiFilters.is_active !== undefined);

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Employees</h1>
        <Button onClick={() => setCreating(true)}>New employee</Button>
      </div>
      <AdminNav />
      <EmployeeFiltersBar value={value} onChange={setFilters} />
      <EmployeeList filters={apiFilters} filtered={filtered} onCreate={() => setCreating(true)} />
      {createOpened ? (
        <NewEmployeeDialog
          isOpen={creating}
          onClose={() => setCreating(false)}
          onCreated={(employee) => {
            setCreating(false);
            if (employee.id) router.push(`/admin/employees/view?id=${employee.id}`);
          }}
        />
      ) : null}
    </div>
  );
}

function EmployeeFiltersBar({
  value,
  onChange,
}: {
  value: { q: string; department: string; status: ActiveFilter };
  onChange: (patch: Partial<{ q: string; department: string; status: ActiveFilter }>) => void;
}) {
  // The search box types freely; the URL (and the query) follow after a short pause.
  const [q, setQ] = useState(value.q);
  useEffect(() => setQ(value.q), [value.q]);
  useEffect(() => {
    if (q === value.q) return;
    const timer = setTimeout(() => onChange({ q }), 300);
    return () => clearTimeout(timer);
  }, [q, value.q, onChange]);

  return (
    <div role="search" className="grid gap-3 sm:grid-cols-3" aria-label="Filter employees">
      <Field label="Search">
        <Input type="search" placeholder="Name, code or e-mail" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} />
      </Field>
      <Field label="Department">
        <DepartmentSelect emptyLabel="All departments" includeInactive value={value.department} onChange={(e) => onChange({ department: e.target.value })} />
      </Field>
      <Field label="Status">
        <Select value={value.status} onChange={(e) => onChange({ status: e.target.value as ActiveFilter })}>
          <option value="all">Active and inactive</option>
          <option value="active">Active only</option>
          <option value="inactive">Inactive only</option>
        </Select>
      </Field>
    </div>
  );
}

function EmployeeList({ filters, filtered, onCreate }: { filters: Parameters<typeof useEmployeePages>[0]; filtered: boolean; onCreate: () => void }) {
  const query = useEmployeePages(filters);

  if (query.isPending) {
    return (
      <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading employees">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-12 w-full" />
        ))}
      </div>
    );
  }
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} what="employee list" />;

  const employees = query.data.pages.flatMap((page) => page.items ?? []);
  if (!employees.length) {
    return filtered ? (
      <EmptyState title="No employee matches these filters">Change the search or the filters above.</EmptyState>
    ) : (
      <EmptyState title="No employees yet">
        <Button className="mt-2" size="sm" onClick={onCreate}>
          Create the first employee
        </Button>
      </EmptyState>
    );
  }

  return (
    <div className="flex flex-col gap-3">
      <div className="overflow-x-auto rounded-lg border border-border bg-surface">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Employees</caption>
          <thead className="border-b border-border bg-muted text-xs text-muted-foreground uppercase">
            <tr>
              <th scope="col" className="px-3 py-2">Name</th>
              <th scope="col" className="px-3 py-2">Code</th>
              <th scope="col" className="hidden px-3 py-2 md:table-cell">E-mail</th>
              <th scope="col" className="hidden px-3 py-2 sm:table-cell">Department</th>
              <th scope="col" className="hidden px-3 py-2 lg:table-cell">HDMS roles</th>
              <th scope="col" className="px-3 py-2">Status</th>
            </tr>
          </thead>
          <tbody>
            {employees.map((employee) => (
              <EmployeeRow key={employee.id} employee={employee} />
            ))}
          </tbody>
        </table>
      </div>
      {query.hasNextPage ? (
        <Button variant="secondary" className="self-center" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      ) : null}
    </div>
  );
}

function EmployeeRow({ employee }: { employee: Employee }) {
  const department = useAnyDepartmentName(employee.department_id);
  const roles = Array.from(new Set(employee.hdms_roles ?? []));
  return (
    <tr className="border-b border-border last:border-0">
      <td className="px-3 py-2">
        <Link className="font-medium text-primary hover:underline" href={`/admin/employees/view?id=${employee.id}`}>
          {employee.name}
        </Link>
      </td>
      <td className="px-3 py-2 font-mono text-xs">{employee.employee_code}</td>
      <td className="hidden px-3 py-2 md:table-cell">{employee.email ?? <span className="text-muted-foreground">—</span>}</td>
      <td className="hidden px-3 py-2 sm:table-cell">{department ?? <span className="text-muted-foreground">—</span>}</td>
      <td className="hidden px-3 py-2 lg:table-cell">
        {roles.length ? (
          <span className="flex flex-wrap gap-1">
            {roles.map((role) => (
              <Badge key={role} tone="primary">
                {ROLE_LABELS[role as keyof typeof ROLE_LABELS] ?? role}
              </Badge>
            ))}
          </span>
        ) : (
          <span className="text-muted-foreground">No access</span>
        )}
      </td>
      <td className="px-3 py-2">
        <EmployeeStatusBadge active={employee.is_active} />
      </td>
    </tr>
  );
}
