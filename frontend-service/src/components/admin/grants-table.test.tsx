import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

const POST = vi.fn();
const DELETE = vi.fn();
vi.mock("@/services/api/client", () => ({
  api: { POST: (...args: unknown[]) => POST(...args), DELETE: (...args: unknown[]) => DELETE(...args) },
  unwrap: async <T,>(call: Promise<{ data?: T }>) => (await call).data as T,
}));

import type { Department, Employee } from "@/services/api/types";

import { GrantsTable } from "./grants-table";

const EMPLOYEE = "5d1f4c3a-1111-4a38-9f1f-2f6c1e0d9a11";
const IT = "0b6f0a7e-7c3e-4a38-9f1f-2f6c1e0d9a11";
const FAC = "8c2e9b1d-2222-4a38-9f1f-2f6c1e0d9a11";
const OLD = "9d3f0c2e-3333-4a38-9f1f-2f6c1e0d9a11";

const STAMP = { created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", description: "" };
const departments: Department[] = [
  { ...STAMP, id: IT, name: "Information Technology", code: "IT", is_active: true },
  { ...STAMP, id: FAC, name: "Facilities", code: "FAC", is_active: true },
  { ...STAMP, id: OLD, name: "Archive", code: "ARC", is_active: false },
];

function renderTable() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const employee: Employee = {
    id: EMPLOYEE,
    employee_code: "EMP042",
    name: "Ada Lovelace",
    email: null,
    department_id: IT,
    is_active: true,
    hdms_roles: ["moderator"],
    grants: [{ role: "moderator", department_id: IT }],
    created_at: STAMP.created_at,
    updated_at: STAMP.updated_at,
  };
  return render(
    <QueryClientProvider client={client}>
      <GrantsTable employee={employee} departments={departments} />
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  POST.mockReset();
  DELETE.mockReset();
});

describe("GrantsTable", () => {
  it("renders one row per role and one column per active department", () => {
    renderTable();
    const table = screen.getByRole("table", { name: "HDMS roles by department" });
    expect(within(table).getAllByRole("rowheader").map((cell) => cell.textContent)).toEqual(["Requestor", "Moderator", "Assignee", "Admin"]);
    const headers = within(table).getAllByRole("columnheader").map((cell) => cell.textContent);
    expect(headers).toHaveLength(3);
    expect(headers[1]).toContain("Information Technology");
    expect(headers[2]).toContain("Facilities");
    // The held grant offers a revoke, every other pair a grant: 4 roles x 2 departments.
    expect(screen.getAllByRole("button", { name: /^Revoke / })).toHaveLength(1);
    expect(screen.getAllByRole("button", { name: /^Grant / })).toHaveLength(7);
    expect(screen.getByRole("button", { name: "Revoke Moderator in Information Technology" })).toBeInTheDocument();
  });

  it("grants one role in one department with POST", async () => {
    POST.mockResolvedValue({ data: { id: EMPLOYEE, grants: [] } });
    renderTable();
    await userEvent.click(screen.getByRole("button", { name: "Grant Assignee in Facilities" }));
    await waitFor(() => expect(POST).toHaveBeenCalledTimes(1));
    expect(POST).toHaveBeenCalledWith("/api/hdms/grant-access", {
      body: { employee_id: EMPLOYEE, roles: ["assignee"], department_ids: [FAC] },
    });
    expect(DELETE).not.toHaveBeenCalled();
  });

  it("revokes with DELETE and the same body", async () => {
    DELETE.mockResolvedValue({ data: { id: EMPLOYEE, grants: [] } });
    renderTable();
    await userEvent.click(screen.getByRole("button", { name: "Revoke Moderator in Information Technology" }));
    await waitFor(() => expect(DELETE).toHaveBeenCalledTimes(1));
    expect(DELETE).toHaveBeenCalledWith("/api/hdms/grant-access", {
      body: { employee_id: EMPLOYEE, roles: ["moderator"], department_ids: [IT] },
    });
    expect(POST).not.toHaveBeenCalled();
  });
});
