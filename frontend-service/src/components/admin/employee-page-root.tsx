"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";

import { ErrorState, NotFoundState } from "@/components/shell/access-states";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { useOpenedOnce } from "@/lib/use-opened-once";
import { useDepartments, useEmployee } from "@/services/api/queries/employees";
import { useSession } from "@/services/api/session";
import type { Employee } from "@/services/api/types";

import { AdminNav } from "./admin-nav";
import { AdminOnly } from "./admin-only";
import { useAnyDepartmentName } from "./department-select";
import { EmployeeStatusBadge } from "./employee-status-badge";
import { GrantsTable } from "./grants-table";

// The form library and the dialog load apart from the page: the edit form as soon as the
// employee is shown, the deactivation dialog when it is first opened.
const EmployeeEditForm = dynamic(() => import("./employee-edit-form").then((m) => m.EmployeeEditForm), {
  ssr: false,
  loading: () => <Skeleton className="h-72 w-full" />,
});
const DeactivateEmployeeDialog = dynamic(() => import("./dialogs/deactivate-employee-dialog").then((m) => m.DeactivateEmployeeDialog), {
  ssr: false,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function EmployeePageRoot() {
  const id = useSearchParams().get("id") ?? "";
  return <AdminOnly>{UUID.test(id) ? <EmployeeScreen id={id} /> : <NotFoundState what="employee" />}</AdminOnly>;
}

function EmployeeScreen({ id }: { id: string }) {
  const query = useEmployee(id);
  if (query.isPending) {
    return (
      <div className="flex flex-col gap-4" aria-busy="true" aria-label="Loading employee">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-48 w-full" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} what="employee" />;
  return <EmployeeDetails employee={query.data} />;
}

function EmployeeDetails({ employee }: { employee: Employee }) {
  const session = useSession();
  const departments = useDepartments(true);
  const departmentName = useAnyDepartmentName(employee.department_id);
  const [deactivating, setDeactivating] = useState(false);
  const deactivateOpened = useOpenedOnce(deactivating);
  const isSelf = session.user?.id === employee.id;

  return (
    <div className="flex flex-col gap-6">
      <AdminNav />
      <div>
        <Link href="/admin/employees" className="text-sm text-primary hover:underline">
          ← All employees
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold">{employee.name}</h1>
          <EmployeeStatusBadge active={employee.is_active} />
        </div>
        <p className="mt-1 text-sm text-muted-foreground">
          <span className="font-mono">{employee.employee_code}</span>
          {departmentName ? ` · ${departmentName}` : ""}
          {employee.email ? ` · ${employee.email}` : ""}
        </p>
      </div>

      <section aria-labelledby="details-heading" className="rounded-lg border border-border bg-surface p-4">
        <h2 id="details-heading" className="mb-3 text-lg font-semibold">
          Details
        </h2>
        <EmployeeEditForm employee={employee} />
      </section>

      <section aria-labelledby="access-heading" className="flex flex-col gap-3">
        <div>
          <h2 id="access-heading" className="text-lg font-semibold">
            HDMS access
          </h2>
          <p className="text-sm text-muted-foreground">
            Each role applies in one department. An employee can sign in to HDMS only while they hold at least one grant.
          </p>
        </div>
        {departments.isPending ? (
          <Skeleton className="h-40 w-full" />
        ) : departments.isError ? (
          <ErrorState error={departments.error} onRetry={() => void departments.refetch()} what="departments" />
        ) : (
          <GrantsTable employee={employee} departments={departments.data} />
        )}
      </section>

      {employee.is_active !== false ? (
        <section aria-labelledby="deactivate-heading" className="rounded-lg border border-destructive/40 p-4">
          <h2 id="deactivate-heading" className="text-lg font-semibold">
            Deactivate
          </h2>
          <p className="mt-1 text-sm text-muted-foreground">
            {isSelf
              ? "This is your own account: deactivating it signs you out and locks you out."
              : "Ends all their sessions and stops them signing in; their history stays."}
          </p>
          <Button className="mt-3" variant="destructive" onClick={() => setDeactivating(true)}>
            Deactivate employee
          </Button>
          {deactivateOpened ? <DeactivateEmployeeDialog isOpen={deactivating} onClose={() => setDeactivating(false)} employee={employee} /> : null}
        </section>
      ) : null}
    </div>
  );
}
