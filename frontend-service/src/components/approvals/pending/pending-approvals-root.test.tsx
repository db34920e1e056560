import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

let search = "";
vi.mock("next/navigation", () => ({ useSearchParams: () => new URLSearchParams(search) }));

const GET = vi.fn();
const POST = vi.fn();
vi.mock("@/services/api/client", () => ({
  api: { GET: (...args: unknown[]) => GET(...args), POST: (...args: unknown[]) => POST(...args) },
  unwrap: async <T,>(call: Promise<{ data?: T }>) => (await call).data as T,
}));

import { PendingApprovalsRoot } from "./pending-approvals-root";

const REQUESTER = "7a7a7a7a-1111-4a38-9f1f-2f6c1e0d9a11";

/** The server's list (GET /api/approvals/). */
let pending: Array<Record<string, unknown>> = [];

beforeEach(() => {
  search = "";
  GET.mockReset();
  POST.mockReset();
  pending = [
    {
      id: "ap-1",
      ticket_id: "t-1",
      mode: "all",
      note: "New laptop over budget",
      requested_by: REQUESTER,
      status: "pending",
      created_at: "2026-11-27T10:00:00Z",
      ticket: { id: "t-1", number: "IT-12", title: "Laptop replacement", priority: "high", status: "waiting_approval" },
    },
    {
      id: "ap-2",
      ticket_id: "t-2",
      mode: "any",
      note: "",
      requested_by: REQUESTER,
      status: "pending",
      created_at: "2026-11-27T09:00:00Z",
      ticket: { id: "t-2", number: "FAC-3", title: "Door access for contractor", priority: "low", status: "waiting_approval" },
    },
  ];
  GET.mockImplementation(async (path: string) => {
    if (path === "/api/approvals/") return { data: { items: pending, next_cursor: null } };
    if (path === "/api/employees/{employee_id}") return { data: { id: REQUESTER, name: "Asha Assignee" } };
    throw new Error(`unexpected GET ${path}`);
  });
});

function renderRoot() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <PendingApprovalsRoot />
    </QueryClientProvider>,
  );
}

describe("PendingApprovalsRoot", () => {
  it("lists the rounds waiting for me with their ticket, requester, mode and note", async () => {
    renderRoot();
    const first = await screen.findByRole("listitem", { name: /IT-12 · Laptop replacement/ });
    expect(within(first).getByRole("link", { name: /Laptop replacement/ })).toHaveAttribute("href", "/tickets/view?id=t-1");
    expect(within(first).getByText("New laptop over budget")).toBeInTheDocument();
    expect(within(first).getByText("Every approver must approve")).toBeInTheDocument();
    expect(await within(first).findByText("Asha Assignee")).toBeInTheDocument();
    expect(within(first).getByText("High")).toBeInTheDocument();
    const second = screen.getByRole("listitem", { name: /FAC-3 · Door access for contractor/ });
    expect(within(second).getByText("One approval is enough")).toBeInTheDocument();
    expect(GET).toHaveBeenCalledWith("/api/approvals/", { params: { query: { pending: true, limit: 50 } } });
  });

  it("removes a round from the list once I approve it", async () => {
    POST.mockImplementation(async () => {
      pending = pending.filter((item) => item.id !== "ap-1");
      return { data: { id: "ap-1", status: "approved" } };
    });
    renderRoot();
    const user = userEvent.setup();
    const first = await screen.findByRole("listitem", { name: /Laptop replacement/ });
    await user.click(within(first).getByRole("button", { name: "Approve" }));

    const dialog = await screen.findByRole("dialog", { name: "Approve the request" });
    await user.type(within(dialog).getByLabelText("Comment (optional)"), "Fine by me");
    await user.click(within(dialog).getByRole("button", { name: "Approve" }));

    await waitFor(() => expect(screen.queryByRole("listitem", { name: /Laptop replacement/ })).not.toBeInTheDocument());
    expect(POST).toHaveBeenCalledWith("/api/approvals/{approval_id}/decision", {
      params: { path: { approval_id: "ap-1" } },
      body: { decision: "approve", comment: "Fine by me" },
    });
    expect(screen.getByRole("listitem", { name: /Door access for contractor/ })).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("asks why before declining", async () => {
    renderRoot();
    const user = userEvent.setup();
    const second = await screen.findByRole("listitem", { name: /Door access/ });
    await user.click(within(second).getByRole("button", { name: "Decline" }));
    const dialog = await screen.findByRole("dialog", { name: "Decline the request" });
    await user.click(within(dialog).getByRole("button", { name: "Decline" }));
    expect(await within(dialog).findByText("Say why you decline.")).toBeInTheDocument();
    expect(POST).not.toHaveBeenCalled();
  });

  it("shows the rounds that no longer wait for me under Decided or ended, without buttons", async () => {
    search = "view=decided";
    pending = [{ ...pending[0], status: "approved" }];
    renderRoot();
    const item = await screen.findByRole("listitem", { name: /Laptop replacement/ });
    expect(within(item).getByText("Round approved")).toBeInTheDocument();
    expect(within(item).queryByRole("button")).not.toBeInTheDocument();
    expect(GET).toHaveBeenCalledWith("/api/approvals/", { params: { query: { pending: false, limit: 50 } } });
    expect(screen.getByRole("link", { name: "Decided or ended" })).toHaveAttribute("aria-current", "page");
  });

  it("says so when nothing waits for me", async () => {
    pending = [];
    renderRoot();
    expect(await screen.findByText("Nothing waits for your decision")).toBeInTheDocument();
  });
});
