/** What the signed-in user is to one ticket, from their grants (the server decides; this only hides controls). */
import type { SessionUser } from "@/services/api/auth";
import type { Ticket } from "@/services/api/types";

type Grant = { role?: string; department_id?: string | null };

function grantsOf(user: SessionUser | null): Grant[] {
  return Array.isArray(user?.grants) ? (user.grants as Grant[]) : [];
}

export function isAdmin(user: SessionUser | null): boolean {
  return grantsOf(user).some((g) => g.role === "admin");
}

/** A moderator of the ticket's department, or an admin. */
export function moderates(user: SessionUser | null, departmentId: string | null | undefined): boolean {
  if (isAdmin(user)) return true;
  return grantsOf(user).some((g) => g.role === "moderator" && (!g.department_id || g.department_id === departmentId));
}

export function isAssigneeOf(user: SessionUser | null, ticket: Pick<Ticket, "assignee_id">): boolean {
  return Boolean(user?.id && ticket.assignee_id && user.id === ticket.assignee_id);
}

/** A sub-ticket is created by the ticket's moderator, an admin or its assignee. */
export function canSplit(user: SessionUser | null, ticket: Pick<Ticket, "assignee_id" | "department_id" | "status">): boolean {
  if (["closed", "rejected", "cancelled", "resolved"].includes(ticket.status ?? "")) return false;
  return moderates(user, ticket.department_id) || isAssigneeOf(user, ticket);
}
