import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ApiProblem } from "@/services/api/problem";

const push = vi.fn();
vi.mock("next/navigation", () => ({ useRouter: () => ({ push, replace: vi.fn() }) }));

const GET = vi.fn();
const POST = vi.fn();
vi.mock("@/services/api/client", () => ({
  api: { GET: (...args: unknown[]) => GET(...args), POST: (...args: unknown[]) => POST(...args) },
  unwrap: async <T,>(call: Promise<{ data?: T }>) => (await call).data as T,
}));

const uploadFile = vi.fn();
vi.mock("@/services/api/uploads", () => ({
  uploadFile: (...args: unknown[]) => uploadFile(...args),
  isAbortProblem: () => false,
}));

import { NewTicketForm } from "./new-ticket-form";

const DEPARTMENT = "0b6f0a7e-7c3e-4a38-9f1f-2f6c1e0d9a11";

function renderForm(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(<QueryClientProvider client={client}>{children}</QueryClientProvider>);
}

async function fillIn() {
  const user = userEvent.setup();
  await screen.findByRole("option", { name: "Information Technology" });
  await user.selectOptions(screen.getByLabelText("Department"), DEPARTMENT);
  await user.type(screen.getByLabelText("Title"), "Laptop will not start");
  await user.type(screen.getByLabelText("Description"), "It beeps three times.");
  return user;
}

beforeEach(() => {
  push.mockReset();
  GET.mockReset();
  POST.mockReset();
  uploadFile.mockReset();
  GET.mockResolvedValue({ data: { items: [{ id: DEPARTMENT, name: "Information Technology" }], next_cursor: null } });
});

describe("NewTicketForm", () => {
  it("shows a server field error beside its field", async () => {
    POST.mockRejectedValue(new ApiProblem(422, { status: 422, detail: "Invalid fields.", errors: { title: ["A title must name the problem."] } }));
    renderForm(<NewTicketForm />);
    const user = await fillIn();
    await user.click(screen.getByRole("button", { name: "Open ticket" }));

    const title = screen.getByLabelText("Title");
    await waitFor(() => expect(title).toHaveAttribute("aria-invalid", "true"));
    const described = title.getAttribute("aria-describedby") ?? "";
    const message = screen.getByText("A title must name the problem.");
    expect(described.split(" ")).toContain(message.id);
    expect(push).not.toHaveBeenCalled();
  });

  it("creates the ticket with an Idempotency-Key and opens its page", async () => {
    POST.mockResolvedValue({ data: { id: "t-1", number: "FAC-1", version: 1 } });
    renderForm(<NewTicketForm />);
    const user = await fillIn();
    await user.click(screen.getByRole("button", { name: "Open ticket" }));

    await waitFor(() => expect(push).toHaveBeenCalledWith("/tickets/view?id=t-1"));
    const [path, init] = POST.mock.calls[0] as [string, { body: Record<string, unknown>; headers: Record<string, string> }];
    expect(path).toBe("/api/tickets/");
    expect(init.body).toMatchObject({ department_id: DEPARTMENT, title: "Laptop will not start", priority: "medium", attachments: [] });
    expect(init.headers["Idempotency-Key"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("checks required fields before sending", async () => {
    renderForm(<NewTicketForm />);
    const user = userEvent.setup();
    await screen.findByRole("option", { name: "Information Technology" });
    await user.click(screen.getByRole("button", { name: "Open ticket" }));
    expect(await screen.findByText("Choose the department that should handle this.")).toBeInTheDocument();
    expect(POST).not.toHaveBeenCalled();
  });

  it("keeps submit disabled while a file is still uploading, then sends its file_key", async () => {
    let finish: (details: unknown) => void = () => undefined;
    uploadFile.mockImplementation((_file: File, options: { onProgress?: (p: unknown) => void }) => {
      options.onProgress?.({ loaded: 5, total: 10, fraction: 0.5 });
      return new Promise((resolve) => (finish = resolve));
    });
    GET.mockImplementation(async (path: string) =>
      path.includes("/status/")
        ? { data: { file_key: "fk-1", status: "scanning" } }
        : { data: { items: [{ id: DEPARTMENT, name: "Information Technology" }], next_cursor: null } },
    );
    POST.mockResolvedValue({ data: { id: "t-2", number: "FAC-2", version: 1 } });
    renderForm(<NewTicketForm />);
    const user = await fillIn();
    await user.upload(await screen.findByLabelText("Attach files"), new File(["png"], "shot.png", { type: "image/png" }));

    expect(await screen.findByRole("progressbar", { name: "Uploading shot.png" })).toHaveAttribute("value", "50");
    expect(screen.getByRole("button", { name: "Open ticket" })).toBeDisabled();

    finish({ file_key: "fk-1", status: "pending" });
    expect(await screen.findByText("Scanning for viruses")).toBeInTheDocument();
    const submit = screen.getByRole("button", { name: "Open ticket" });
    expect(submit).toBeEnabled();
    await user.click(submit);
    await waitFor(() => expect(push).toHaveBeenCalledWith("/tickets/view?id=t-2"));
    expect((POST.mock.calls[0] as [string, { body: { attachments: string[] } }])[1].body.attachments).toEqual(["fk-1"]);
  });
});
