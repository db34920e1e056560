"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

import type { EmployeeFilters } from "@/services/api/queries/employees";

export type ActiveFilter = "all" | "active" | "inactive";

export type EmployeeListParams = { q: string; department: string; status: ActiveFilter };

/** The employee list's filters live in the URL (?q=&department=&status=), so reload and back keep them. */
export function useEmployeeFilters() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const value: EmployeeListParams = useMemo(() => {
    const status = params.get("status");
    return {
      q: params.get("q") ?? "",
      department: params.get("department") ?? "",
      status: status === "active" || status === "inactive" ? status : "all",
    };
  }, [params]);

  const setFilters = useCallback(
    (patch: Partial<EmployeeListParams>) => {
      const next = new URLSearchParams(params.toString());
      for (const [key, v] of Object.entries(patch)) {
        if (!v || (key === "status" && v === "all")) next.delete(key);
        else next.set(key, v);
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );

  return { value, setFilters, apiFilters: toApiFilters(value) };
}

export function toApiFilters({ q, department, status }: EmployeeListParams): EmployeeFilters {
  const filters: EmployeeFilters = {};
  if (q.trim()) filters.q = q.trim().slice(0, 100);
  if (department) filters.department_id = department;
  if (status !== "all") filters.is_active = status === "active";
  return filters;
}
