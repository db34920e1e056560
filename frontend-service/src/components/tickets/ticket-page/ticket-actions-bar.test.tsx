import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";

const POST = vi.fn();
vi.mock("@/services/api/client", () => ({
  api: { GET: vi.fn(), POST: (...args: unknown[]) => POST(...args) },
  unwrap: async <T,>(call: Promise<{ data?: T }>) => (await call).data as T,
}));

import { ApiProblem } from "@/services/api/problem";

import { TicketActionsBar } from "./ticket-actions-bar";
import { makeTicket } from "./ticket-fixture";

function renderBar(node: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(<QueryClientProvider client={client}>{node}</QueryClientProvider>);
}

const base = makeTicket({ version: 3 });

function buttonNames() {
  const group = screen.getByRole("group", { name: "Ticket actions" });
  return within(group)
    .getAllByRole("button")
    .map((button) => button.textContent);
}

describe("TicketActionsBar", () => {
  it("shows one button per allowed action and nothing else", () => {
    renderBar(<TicketActionsBar ticket={{ ...base, allowed_actions: ["reject", "assign", "review", "postpone"] }} onConflict={() => {}} />);
    expect(buttonNames()).toEqual(["Review", "Assign", "Postpone", "Reject"]);
    expect(screen.queryByRole("button", { name: "Resolve" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Acknowledge" })).not.toBeInTheDocument();
  });

  it("shows the assignee's actions for a ticket in progress", () => {
    renderBar(
      <TicketActionsBar
        ticket={{ ...base, status: "in_progress", allowed_actions: ["progress", "request_approval", "resolve"] }}
        onConflict={() => {}}
      />,
    );
    expect(buttonNames()).toEqual(["Update progress", "Request approval", "Resolve"]);
  });

  it("shows an action the page does not know yet under a readable name", () => {
    renderBar(<TicketActionsBar ticket={{ ...base, allowed_actions: ["escalate_now" as never] }} onConflict={() => {}} />);
    expect(buttonNames()).toEqual(["Escalate now"]);
  });

  it("renders no action bar when nothing is allowed", () => {
    renderBar(<TicketActionsBar ticket={{ ...base, allowed_actions: [] }} onConflict={() => {}} />);
    expect(screen.queryByRole("group", { name: "Ticket actions" })).not.toBeInTheDocument();
  });

  it("reports a stale version as a change by someone else", async () => {
    POST.mockRejectedValue(new ApiProblem(412, { status: 412, type: "urn:hdms:problem:stale-version" }));
    const onConflict = vi.fn();
    renderBar(<TicketActionsBar ticket={{ ...base, allowed_actions: ["review"] }} onConflict={onConflict} />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Review" }));
    await waitFor(() => expect(onConflict).toHaveBeenCalled());
    expect(POST.mock.calls[0]?.[1]).toMatchObject({ body: { action: "review", version: 3 } });
  });
});
