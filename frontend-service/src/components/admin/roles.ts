import type { Employee, Grant, Role } from "@/services/api/types";

/** The HDMS roles in the order the admin screens list them. */
export const ROLES: readonly Role[] = ["requestor", "moderator", "assignee", "admin"];

export const ROLE_LABELS: Record<Role, string> = {
  requestor: "Requestor",
  moderator: "Moderator",
  assignee: "Assignee",
  admin: "Admin",
};

/** An employee's grants: one (role, department) pair each. */
export function grantsOf(employee: Pick<Employee, "grants"> | undefined): Grant[] {
  return employee?.grants ?? [];
}
