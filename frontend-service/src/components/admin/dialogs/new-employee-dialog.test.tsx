import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ApiProblem } from "@/services/api/problem";

const GET = vi.fn();
const POST = vi.fn();
vi.mock("@/services/api/client", () => ({
  api: { GET: (...args: unknown[]) => GET(...args), POST: (...args: unknown[]) => POST(...args) },
  unwrap: async <T,>(call: Promise<{ data?: T }>) => (await call).data as T,
}));

import { NewEmployeeForm } from "./new-employee-dialog";

const DEPARTMENT = "0b6f0a7e-7c3e-4a38-9f1f-2f6c1e0d9a11";

function renderWithClient(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(<QueryClientProvider client={client}>{children}</QueryClientProvider>);
}

async function fillIn() {
  const user = userEvent.setup();
  await screen.findByRole("option", { name: "Information Technology" });
  await user.type(screen.getByLabelText("Employee code"), "EMP042");
  await user.type(screen.getByLabelText("Name"), "Ada Lovelace");
  await user.type(screen.getByLabelText("E-mail"), "Ada@Example.com");
  await user.selectOptions(screen.getByLabelText("Department"), DEPARTMENT);
  await user.type(screen.getByLabelText("Initial password"), "correct horse battery");
  return user;
}

beforeEach(() => {
  GET.mockReset();
  POST.mockReset();
  GET.mockResolvedValue({ data: { items: [{ id: DEPARTMENT, name: "Information Technology", is_active: true }], next_cursor: null } });
});

describe("NewEmployeeForm", () => {
  it("shows a 422 field error from the server beside its field", async () => {
    POST.mockRejectedValue(
      new ApiProblem(422, { status: 422, detail: "Invalid fields.", errors: { json: { email: ["This domain does not receive mail."] } } }),
    );
    const onCreated = vi.fn();
    renderWithClient(<NewEmployeeForm onCancel={vi.fn()} onCreated={onCreated} />);
    const user = await fillIn();
    await user.click(screen.getByRole("button", { name: "Create employee" }));

    const email = screen.getByLabelText("E-mail");
    await waitFor(() => expect(email).toHaveAttribute("aria-invalid", "true"));
    const message = screen.getByText("This domain does not receive mail.");
    expect((email.getAttribute("aria-describedby") ?? "").split(" ")).toContain(message.id);
    expect(screen.getByLabelText("Name")).not.toHaveAttribute("aria-invalid");
    expect(onCreated).not.toHaveBeenCalled();
  });

  it("sends the request body the API expects, with an Idempotency-Key", async () => {
    POST.mockResolvedValue({ data: { id: "e-1", name: "Ada Lovelace" } });
    const onCreated = vi.fn();
    renderWithClient(<NewEmployeeForm onCancel={vi.fn()} onCreated={onCreated} />);
    const user = await fillIn();
    await user.click(screen.getByRole("button", { name: "Create employee" }));

    await waitFor(() => expect(onCreated).toHaveBeenCalledWith({ id: "e-1", name: "Ada Lovelace" }));
    const [path, init] = POST.mock.calls[0] as [string, { body: unknown; headers: Record<string, string> }];
    expect(path).toBe("/api/employees/");
    expect(init.body).toEqual({
      employee_code: "EMP042",
      name: "Ada Lovelace",
      email: "ada@example.com",
      department_id: DEPARTMENT,
      password: "correct horse battery",
      is_active: true,
    });
    expect(init.headers["Idempotency-Key"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});
