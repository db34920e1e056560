"use client";

import { useDepartments } from "@/services/api/queries/employees";
import { useSession } from "@/services/api/session";
import type { Department } from "@/services/api/types";

type Grant = { role?: string; department_id?: string };

/** The departments whose queue this user may work: admins all, moderators their granted ones. */
export function useQueueDepartments(): { departments: Department[]; isPending: boolean; error: unknown; refetch: () => void } {
  const session = useSession();
  const all = useDepartments();
  const isAdmin = session.has("admin");
  const moderated = new Set(
    ((session.user?.grants ?? []) as Grant[]).filter((grant) => grant.role === "moderator").map((grant) => grant.department_id),
  );
  const departments = (all.data ?? [])
    .filter((department) => isAdmin || moderated.has(department.id))
    .sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
  return { departments, isPending: all.isPending, error: all.error, refetch: () => void all.refetch() };
}
