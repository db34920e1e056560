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

import { makeTicket } from "@/components/tickets/ticket-page/ticket-fixture";

import { PostponeDialog } from "./postpone-dialog";
import { ProgressDialog } from "./progress-dialog";
import { ReasonDialog } from "./reason-dialog";

const ticket = makeTicket({ version: 4, allowed_actions: ["reject", "postpone"] });

function renderDialog(node: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  return render(<QueryClientProvider client={client}>{node}</QueryClientProvider>);
}

function expectErrorBeside(control: HTMLElement, text: string) {
  expect(control).toHaveAttribute("aria-invalid", "true");
  const message = screen.getByText(text);
  expect((control.getAttribute("aria-describedby") ?? "").split(" ")).toContain(message.id);
}

beforeEach(() => {
  GET.mockReset();
  POST.mockReset();
});

describe("ReasonDialog", () => {
  it("sends the ticket version and shows a 422 field error next to the field", async () => {
    POST.mockRejectedValue(new ApiProblem(422, { status: 422, detail: "Invalid fields.", errors: { json: { reason: ["Say more than that."] } } }));
    const onClose = vi.fn();
    renderDialog(<ReasonDialog action="reject" ticket={ticket} isOpen onClose={onClose} onConflict={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Reason"), "meh");
    await user.click(screen.getByRole("button", { name: "Reject" }));

    await waitFor(() => expectErrorBeside(screen.getByLabelText("Reason"), "Say more than that."));
    expect(POST).toHaveBeenCalledWith("/api/tickets/{ticket_id}/status", {
      params: { path: { ticket_id: ticket.id } },
      body: { action: "reject", reason: "meh", version: 4 },
    });
    expect(onClose).not.toHaveBeenCalled();
  });

  it("refuses a blank reason before asking the server", async () => {
    renderDialog(<ReasonDialog action="reject" ticket={ticket} isOpen onClose={() => {}} onConflict={() => {}} />);
    await userEvent.setup().click(screen.getByRole("button", { name: "Reject" }));
    await waitFor(() => expectErrorBeside(screen.getByLabelText("Reason"), "Give a reason."));
    expect(POST).not.toHaveBeenCalled();
  });

  it("closes and reports a conflict when someone else changed the ticket", async () => {
    POST.mockRejectedValue(new ApiProblem(412, { status: 412, type: "urn:hdms:problem:stale-version", detail: "The ticket changed meanwhile." }));
    const onClose = vi.fn();
    const onConflict = vi.fn();
    renderDialog(<ReasonDialog action="reject" ticket={ticket} isOpen onClose={onClose} onConflict={onConflict} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Reason"), "Duplicate of HD-000002");
    await user.click(screen.getByRole("button", { name: "Reject" }));
    await waitFor(() => expect(onConflict).toHaveBeenCalled());
    expect(onClose).toHaveBeenCalled();
  });
});

describe("PostponeDialog", () => {
  it("shows the server's resume_at error beside the resume field", async () => {
    POST.mockRejectedValue(new ApiProblem(422, { status: 422, detail: "resume_at must be in the future.", errors: { resume_at: ["Must be in the future."] } }));
    renderDialog(<PostponeDialog ticket={ticket} isOpen onClose={() => {}} onConflict={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Reason"), "Waiting for parts");
    const resume = screen.getByLabelText("Resume at");
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    const pad = (n: number) => String(n).padStart(2, "0");
    await user.type(resume, `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T10:00`);
    await user.click(screen.getByRole("button", { name: "Postpone" }));
    await waitFor(() => expectErrorBeside(screen.getByLabelText("Resume at"), "Must be in the future."));
  });

  it("refuses a resume time in the past", async () => {
    renderDialog(<PostponeDialog ticket={ticket} isOpen onClose={() => {}} onConflict={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Reason"), "Waiting for parts");
    await user.type(screen.getByLabelText("Resume at"), "2020-01-01T10:00");
    await user.click(screen.getByRole("button", { name: "Postpone" }));
    await waitFor(() => expectErrorBeside(screen.getByLabelText("Resume at"), "Must be in the future."));
    expect(POST).not.toHaveBeenCalled();
  });
});

describe("ProgressDialog", () => {
  it("asks for a note when progress goes down", async () => {
    const { fireEvent } = await import("@testing-library/react");
    renderDialog(<ProgressDialog ticket={makeTicket({ status: "in_progress", progress: 60 })} isOpen onClose={() => {}} onConflict={() => {}} />);
    fireEvent.change(screen.getByLabelText("Progress: 60%"), { target: { value: "40" } });
    await userEvent.setup().click(screen.getByRole("button", { name: "Save progress" }));
    await waitFor(() => expectErrorBeside(screen.getByLabelText("Note"), "Explain why progress goes down from 60%."));
    expect(POST).not.toHaveBeenCalled();
  });

  it("sends the new percentage with the ticket version", async () => {
    const { fireEvent } = await import("@testing-library/react");
    POST.mockResolvedValue({ data: makeTicket({ status: "in_progress", progress: 80, version: 6 }) });
    const onClose = vi.fn();
    renderDialog(<ProgressDialog ticket={makeTicket({ status: "in_progress", progress: 60, version: 5 })} isOpen onClose={onClose} onConflict={() => {}} />);
    fireEvent.change(screen.getByLabelText("Progress: 60%"), { target: { value: "80" } });
    await userEvent.setup().click(screen.getByRole("button", { name: "Save progress" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(POST.mock.calls[0]?.[1]).toMatchObject({ body: { action: "progress", percent: 80, version: 5 } });
  });
});
