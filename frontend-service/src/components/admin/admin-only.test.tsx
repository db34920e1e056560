import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("next/navigation", () => ({
  useRouter: () => ({ push: vi.fn(), replace: vi.fn() }),
  usePathname: () => "/admin/employees",
  useSearchParams: () => new URLSearchParams(),
}));

const GET = vi.fn();
vi.mock("@/services/api/client", () => ({
  api: { GET: (...args: unknown[]) => GET(...args) },
  unwrap: async <T,>(call: Promise<{ data?: T }>) => (await call).data as T,
}));

import { setSession } from "@/services/api/auth";
import type { Employee, Role } from "@/services/api/types";

import { EmployeesRoot } from "./employees-root";

const IT = "0b6f0a7e-7c3e-4a38-9f1f-2f6c1e0d9a11";

function signInAs(role: Role) {
  const user: Employee = {
    id: "5d1f4c3a-1111-4a38-9f1f-2f6c1e0d9a11",
    employee_code: "X1",
    name: "Someone",
    email: null,
    department_id: IT,
    is_active: true,
    hdms_roles: [role],
    grants: [{ role, department_id: IT }],
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
  };
  act(() => setSession("token", user));
}

function renderRoot() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <EmployeesRoot />
    </QueryClientProvider>,
  );
}

afterEach(() => act(() => setSession(null)));

describe("Administration access", () => {
  it("shows Not allowed to anyone without the admin role, and asks the API nothing", () => {
    signInAs("moderator");
    renderRoot();
    expect(screen.getByRole("heading", { level: 1, name: "Not allowed" })).toBeInTheDocument();
    expect(GET).not.toHaveBeenCalled();
  });

  it("shows the employee list to an admin", async () => {
    GET.mockResolvedValue({ data: { items: [], next_cursor: null } });
    signInAs("admin");
    renderRoot();
    expect(screen.getByRole("heading", { level: 1, name: "Employees" })).toBeInTheDocument();
    expect(await screen.findByText("No employees yet")).toBeInTheDocument();
  });
});
