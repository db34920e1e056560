"use client";

import dynamic from "next/dynamic";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";

import { EmptyState, ErrorState } from "@/components/shell/access-states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { useOpenedOnce } from "@/lib/use-opened-once";
import { describeProblem } from "@/services/api/forms";
import { useUpdateDepartment } from "@/services/api/queries/admin";
import { useDepartments } from "@/services/api/queries/employees";
import type { Department } from "@/services/api/types";

import { AdminNav } from "./admin-nav";
import { AdminOnly } from "./admin-only";

// The dialogs (and the dialog and form libraries) load when one is first opened.
const DepartmentDialog = dynamic(() => import("./dialogs/department-dialog").then((m) => m.DepartmentDialog), { ssr: false });
const DeactivateDepartmentDialog = dynamic(() => import("./dialogs/deactivate-department-dialog").then((m) => m.DeactivateDepartmentDialog), {
  ssr: false,
});

export function DepartmentsRoot() {
  return (
    <AdminOnly>
      <DepartmentsScreen />
    </AdminOnly>
  );
}

type Editing = { mode: "new" } | { mode: "edit"; department: Department } | null;

function DepartmentsScreen() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const fromUrl = params.get("inactive") === "1";
  // The box answers at once; the URL (which keeps it over reload and back) follows.
  const [includeInactive, setIncludeInactiveNow] = useState(fromUrl);
  useEffect(() => setIncludeInactiveNow(fromUrl), [fromUrl]);
  const [editing, setEditing] = useState<Editing>(null);
  const [deactivating, setDeactivating] = useState<Department | null>(null);
  const editOpened = useOpenedOnce(editing !== null);
  const deactivateOpened = useOpenedOnce(deactivating !== null);

  function setIncludeInactive(value: boolean) {
    setIncludeInactiveNow(value);
    const next = new URLSearchParams(params.toString());
    if (value) next.set("inactive", "1");
    else next.delete("inactive");
    const query = next.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Departments</h1>
        <Button onClick={() => setEditing({ mode: "new" })}>New department</Button>
      </div>
      <AdminNav />
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" className="h-4 w-4 accent-primary" checked={includeInactive} onChange={(e) => setIncludeInactive(e.target.checked)} />
        Show inactive departments
      </label>
      <DepartmentList
        includeInactive={includeInactive}
        onCreate={() => setEditing({ mode: "new" })}
        onEdit={(department) => setEditing({ mode: "edit", department })}
        onDeactivate={setDeactivating}
      />
      {editOpened ? (
        <DepartmentDialog
          isOpen={editing !== null}
          onClose={() => setEditing(null)}
          department={editing?.mode === "edit" ? editing.department : undefined}
        />
      ) : null}
      {deactivateOpened ? <DeactivateDepartmentDialog department={deactivating} onClose={() => setDeactivating(null)} /> : null}
    </div>
  );
}

function DepartmentList({
  includeInactive,
  onCreate,
  onEdit,
  onDeactivate,
}: {
  includeInactive: boolean;
  onCreate: () => void;
  onEdit: (department: Department) => void;
  onDeactivate: (department: Department) => void;
}) {
  const query = useDepartments(includeInactive);
  if (query.isPending) {
    return (
      <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading departments">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-12 w-full" />
        ))}
      </div>
    );
  }
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} what="departments" />;
  if (!query.data.length) {
    return (
      <EmptyState title={includeInactive ? "No departments yet" : "No active departments"}>
        <Button className="mt-2" size="sm" onClick={onCreate}>
          Create a department
        </Button>
      </EmptyState>
    );
  }
  return (
    <div className="overflow-x-auto rounded-lg border border-border bg-surface">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Departments</caption>
        <thead className="border-b border-border bg-muted text-xs text-muted-foreground uppercase">
          <tr>
            <th scope="col" className="px-3 py-2">Name</th>
            <th scope="col" className="px-3 py-2">Code</th>
            <th scope="col" className="hidden px-3 py-2 md:table-cell">Description</th>
            <th scope="col" className="px-3 py-2">Status</th>
            <th scope="col" className="px-3 py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {query.data.map((department) => (
            <DepartmentRow key={department.id} department={department} onEdit={onEdit} onDeactivate={onDeactivate} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DepartmentRow({
  department,
  onEdit,
  onDeactivate,
}: {
  department: Department;
  onEdit: (department: Department) => void;
  onDeactivate: (department: Department) => void;
}) {
  const update = useUpdateDepartment(department.id);
  const active = department.is_active !== false;

  async function reactivate() {
    try {
      await update.mutateAsync({ is_active: true });
      toast(`${department.name ?? "The department"} is active again.`, "success");
    } catch (error) {
      toast(describeProblem(error), "error");
    }
  }

  return (
    <tr className="border-b border-border last:border-0">
      <td className="px-3 py-2 font-medium">{department.name}</td>
      <td className="px-3 py-2 font-mono text-xs">{department.code}</td>
      <td className="hidden max-w-md truncate px-3 py-2 text-muted-foreground md:table-cell">{department.description || "—"}</td>
      <td className="px-3 py-2">{active ? <Badge tone="success">Active</Badge> : <Badge tone="neutral">Inactive</Badge>}</td>
      <td className="px-3 py-2">
        <div className="flex justify-end gap-2">
          <Button size="sm" variant="secondary" aria-label={`Edit ${department.name}`} onClick={() => onEdit(department)}>
            Edit
          </Button>
          {active ? (
            <Button size="sm" variant="ghost" aria-label={`Deactivate ${department.name}`} onClick={() => onDeactivate(department)}>
              Deactivate
            </Button>
          ) : (
            <Button size="sm" variant="ghost" aria-label={`Reactivate ${department.name}`} disabled={update.isPending} onClick={() => void reactivate()}>
              Reactivate
            </Button>
          )}
        </div>
      </td>
    </tr>
  );
}
