/** Employees (the directory) and departments, as cards to show and pick people. */
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../client";
import type { Department, Employee } from "../types";

export type EmployeeFilters = {
  department_id?: string;
  role?: string;
  role_department_id?: string;
  is_active?: boolean;
  q?: string;
  limit?: number;
  cursor?: string;
};

export const employeeKeys = {
  all: ["employees"] as const,
  lists: () => [...employeeKeys.all, "list"] as const,
  list: (filters: EmployeeFilters) => [...employeeKeys.lists(), filters] as const,
  /** The keyset-paged ("load more") form of a list, kept apart from the one-page form. */
  pages: (filters: EmployeeFilters) => [...employeeKeys.lists(), "pages", filters] as const,
  detail: (id: string) => [...employeeKeys.all, "detail", id] as const,
};

export const departmentKeys = {
  all: ["departments"] as const,
  lists: () => [...departmentKeys.all, "list"] as const,
  list: (includeInactive = false) => [...departmentKeys.lists(), { includeInactive }] as const,
  detail: (id: string) => [...departmentKeys.all, "detail", id] as const,
};

export const employeeQueries = {
  detail: (id: string) =>
    queryOptions({
      queryKey: employeeKeys.detail(id),
      queryFn: () => unwrap(api.GET("/api/employees/{employee_id}", { params: { path: { employee_id: id } } })) as Promise<Employee>,
      // Names change rarely; one fetch per person per session is plenty.
      staleTime: 10 * 60_000,
    }),
  list: (filters: EmployeeFilters) =>
    queryOptions({
      queryKey: employeeKeys.list(filters),
      queryFn: () => unwrap(api.GET("/api/employees/", { params: { query: filters as never } })),
    }),
};

export const departmentQueries = {
  list: (includeInactive = false) =>
    queryOptions({
      queryKey: departmentKeys.list(includeInactive),
      queryFn: async () => {
        // Departments are few; read every page so pickers show them all.
        const items: Department[] = [];
        let cursor: string | undefined;
        do {
          const page = await unwrap(
            api.GET("/api/departments/", { params: { query: { limit: 100, cursor, include_inactive: includeInactive } as never } }),
          );
          items.push(...((page.items ?? []) as Department[]));
          cursor = (page.next_cursor as string | null | undefined) ?? undefined;
        } while (cursor);
        return items;
      },
      staleTime: 10 * 60_000,
    }),
};

export function useEmployee(id: string | null | undefined) {
  return useQuery({ ...employeeQueries.detail(id ?? ""), enabled: Boolean(id) });
}

export function useEmployees(filters: EmployeeFilters, enabled = true) {
  return useQuery({ ...employeeQueries.list(filters), enabled });
}

export function useDepartments(includeInactive = false) {
  return useQuery(departmentQueries.list(includeInactive));
}

/** The department's name by id, from the cached list. */
export function useDepartmentName(id: string | null | undefined): string | undefined {
  const { data } = useDepartments();
  return data?.find((d) => d.id === id)?.name;
}
