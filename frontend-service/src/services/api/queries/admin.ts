/**
 * Administration: the paged employee list and the writes on employees, their HDMS grants and
 * departments. Keys come from queries/employees.ts, so the directory cards everyone else reads
 * (PersonName, pickers) see an admin's change at once.
 */
import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../client";
import type { Department, DepartmentCreate, DepartmentUpdate, Employee, EmployeeCreate, EmployeePage, EmployeeUpdate, GrantAccess } from "../types";
import { departmentKeys, employeeKeys, type EmployeeFilters } from "./employees";

/** The query string of one page: empty values are "no filter", never sent. */
export function employeeListQuery(filters: EmployeeFilters, cursor?: string): Record<string, string | number | boolean> {
  const query: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries({ ...filters, cursor })) {
    if (value === undefined || value === "") continue;
    query[key] = value;
  }
  return query;
}

export const adminEmployeeQueries = {
  pages: (filters: EmployeeFilters) =>
    infiniteQueryOptions({
      queryKey: employeeKeys.pages(filters),
      queryFn: ({ pageParam }) =>
        unwrap(api.GET("/api/employees/", { params: { query: employeeListQuery(filters, pageParam) as never } })) as Promise<EmployeePage>,
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.next_cursor ?? undefined,
    }),
};

/** Employees for the admin list, keyset-paged: "load more" fetches the page after next_cursor. */
export function useEmployeePages(filters: EmployeeFilters) {
  return useInfiniteQuery(adminEmployeeQueries.pages(filters));
}

/** Puts an employee the server returned into the cache and marks every employee list stale. */
export function useStoreEmployee() {
  const queryClient = useQueryClient();
  return (employee: Employee) => {
    if (employee.id) queryClient.setQueryData(employeeKeys.detail(employee.id), employee);
    void queryClient.invalidateQueries({ queryKey: employeeKeys.lists() });
  };
}

export function useCreateEmployee() {
  const store = useStoreEmployee();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: EmployeeCreate; idempotencyKey: string }) =>
      unwrap(api.POST("/api/employees/", { body, headers: { "Idempotency-Key": idempotencyKey } })) as Promise<Employee>,
    onSuccess: store,
  });
}

export function useUpdateEmployee(employeeId: string) {
  const store = useStoreEmployee();
  return useMutation({
    mutationFn: (body: EmployeeUpdate) =>
      unwrap(api.PATCH("/api/employees/{employee_id}", { params: { path: { employee_id: employeeId } }, body })) as Promise<Employee>,
    onSuccess: store,
  });
}

/** Deactivation answers 204; the employee is read again so the page shows the new state. */
export function useDeactivateEmployee(employeeId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/employees/{employee_id}", { params: { path: { employee_id: employeeId } } })),
    onSuccess: () => {
      queryClient.setQueryData<Employee>(employeeKeys.detail(employeeId), (old) => (old ? { ...old, is_active: false } : old));
      void queryClient.invalidateQueries({ queryKey: employeeKeys.detail(employeeId) });
      void queryClient.invalidateQueries({ queryKey: employeeKeys.lists() });
    },
  });
}

/** Grants each role in each department (pairs already held stay as they are). */
export function useGrantAccess() {
  const store = useStoreEmployee();
  return useMutation({
    mutationFn: (body: GrantAccess) => unwrap(api.POST("/api/hdms/grant-access", { body })) as Promise<Employee>,
    onSuccess: store,
  });
}

/** Revokes each role in each department; the same JSON body as a grant, sent with DELETE. */
export function useRevokeAccess() {
  const store = useStoreEmployee();
  return useMutation({
    mutationFn: (body: GrantAccess) => unwrap(api.DELETE("/api/hdms/grant-access", { body })) as Promise<Employee>,
    onSuccess: store,
  });
}

/** Departments are read whole (few of them): a write refreshes every department list. */
function useStoreDepartment() {
  const queryClient = useQueryClient();
  return (department?: Department) => {
    if (department?.id) queryClient.setQueryData(departmentKeys.detail(department.id), department);
    void queryClient.invalidateQueries({ queryKey: departmentKeys.lists() });
  };
}

export function useCreateDepartment() {
  const store = useStoreDepartment();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: DepartmentCreate; idempotencyKey: string }) =>
      unwrap(api.POST("/api/departments/", { body, headers: { "Idempotency-Key": idempotencyKey } })) as Promise<Department>,
    onSuccess: store,
  });
}

export function useUpdateDepartment(departmentId: string) {
  const store = useStoreDepartment();
  return useMutation({
    mutationFn: (body: DepartmentUpdate) =>
      unwrap(
        api.PATCH("/api/departments/{department_id}", { params: { path: { department_id: departmentId } }, body }),
      ) as Promise<Department>,
    onSuccess: store,
  });
}

export function useDeactivateDepartment() {
  const store = useStoreDepartment();
  return useMutation({
    mutationFn: (departmentId: string) =>
      unwrap(api.DELETE("/api/departments/{department_id}", { params: { path: { department_id: departmentId } } })),
    onSuccess: () => store(),
  });
}
