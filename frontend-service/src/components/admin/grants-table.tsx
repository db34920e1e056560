"use client";

import { useState } from "react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import { describeProblem } from "@/services/api/forms";
import { useGrantAccess, useRevokeAccess } from "@/services/api/queries/admin";
import type { Department, Employee, Role } from "@/services/api/types";

import { grantsOf, ROLE_LABELS, ROLES } from "./roles";

/**
 * HDMS access as a grid: one row per role, one column per department. Each cell grants or
 * revokes that single pair (POST / DELETE /api/hdms/grant-access with the same body).
 */
export function GrantsTable({ employee, departments }: { employee: Employee; departments: Department[] }) {
  const grant = useGrantAccess();
  const revoke = useRevokeAccess();
  const [busy, setBusy] = useState<string | null>(null);
  const grants = grantsOf(employee);
  const held = new Set(grants.map((g) => `${g.role}:${g.department_id}`));

  // Active departments, plus inactive ones the employee still holds a grant in (to revoke it).
  const columns = departments.filter((d) => d.is_active !== false || grants.some((g) => g.department_id === d.id));

  async function toggle(role: Role, department: Department) {
    const departmentId = department.id;
    const key = `${role}:${departmentId}`;
    const body = { employee_id: employee.id, roles: [role], department_ids: [departmentId] };
    const granted = held.has(key);
    setBusy(key);
    try {
      if (granted) {
        await revoke.mutateAsync(body);
        toast(`${ROLE_LABELS[role]} in ${department.name} revoked.`, "success");
      } else {
        await grant.mutateAsync(body);
        toast(`${ROLE_LABELS[role]} in ${department.name} granted.`, "success");
      }
    } catch (error) {
      toast(describeProblem(error), "error");
    } finally {
      setBusy(null);
    }
  }

  if (!columns.length) {
    return <p className="text-sm text-muted-foreground">There are no active departments yet. Create one under Departments first.</p>;
  }

  return (
    <div className="overflow-x-auto rounded-lg border border-border bg-surface">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">HDMS roles by department</caption>
        <thead className="border-b border-border bg-muted text-xs text-muted-foreground">
          <tr>
            <th scope="col" className="px-3 py-2 uppercase">
              Role
            </th>
            {columns.map((department) => (
              <th key={department.id} scope="col" className="px-3 py-2">
                <span className="block font-medium text-foreground">{department.name}</span>
                <span className="font-mono">{department.code}</span>
                {department.is_active === false ? <span> (inactive)</span> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROLES.map((role) => (
            <tr key={role} className="border-b border-border last:border-0">
              <th scope="row" className="px-3 py-2 font-medium">
                {ROLE_LABELS[role]}
              </th>
              {columns.map((department) => {
                const key = `${role}:${department.id}`;
                const granted = held.has(key);
                const label = `${granted ? "Revoke" : "Grant"} ${ROLE_LABELS[role]} in ${department.name}`;
                return (
                  <td key={key} className="px-3 py-2">
                    <div className="flex flex-wrap items-center gap-2">
                      {granted ? <Badge tone="success">Granted</Badge> : <span className="text-muted-foreground">—</span>}
                      <Button
                        size="sm"
                        variant="secondary"
                        aria-label={label}
                        title={label}
                        disabled={busy !== null || (!granted && department.is_active === false)}
                        onClick={() => void toggle(role, department)}
                      >
                        {busy === key ? "Saving…" : granted ? "Revoke" : "Grant"}
                      </Button>
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
