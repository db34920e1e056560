import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WebSocket as NodeWebSocket } from "ws";

import { resetSessionForTests, setSession } from "@/services/api/auth";
import type { SessionUser } from "@/services/api/auth";
import { FakeChatServer } from "@/services/realtime/fake-chat-server.test-util";

import { ChatPanel } from "./chat-panel";

const ANA = { id: "a0000000-0000-4000-8000-000000000001", name: "Ana Requestor" };
const BEN = { id: "b0000000-0000-4000-8000-000000000002", name: "Ben Moderator" };

let server: FakeChatServer;

beforeEach(async () => {
  server = new FakeChatServer({ users: { "ana-token": ANA } });
  await server.start();
  const port = server.port;
  // The page's same-origin socket URL, sent to the fake server instead.
  vi.stubGlobal(
    "WebSocket",
    class extends NodeWebSocket {
      constructor(url: string) {
        super(url.replace(/^ws:\/\/[^/]+/, `ws://127.0.0.1:${port}`));
      }
    },
  );
  vi.stubGlobal("fetch", async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === "/api/chat/t1/messages/") {
      const items = [...server.messages].reverse();
      return new Response(JSON.stringify({ items, next_cursor: null }), { status: 200, headers: { "Content-Type": "application/json" } });
    }
    return new Response(JSON.stringify({ type: "urn:hdms:problem:not-found", title: "Not Found", status: 404 }), {
      status: 404,
      headers: { "Content-Type": "application/problem+json" },
    });
  });
  setSession("ana-token", { id: ANA.id, name: ANA.name } as SessionUser);
});

afterEach(async () => {
  vi.unstubAllGlobals();
  resetSessionForTests();
  await server.stop();
});

function renderPanel() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <ChatPanel ticketId="t1" />
    </QueryClientProvider>,
  );
}

describe("ChatPanel", () => {
  it("shows the history and live messages in a polite log, own messages as You", async () => {
    server.post(BEN, "Hello, how can I help?");
    renderPanel();
    const log = await screen.findByRole("log", { name: "Chat messages" });
    expect(log).toHaveAttribute("aria-live", "polite");
    await within(log).findByText("Hello, how can I help?");
    expect(within(log).getByText("Ben Moderator")).toBeInTheDocument();
    await screen.findByText("Connected");

    act(() => {
      server.post(BEN, "Are you still there?");
    });
    await within(log).findByText("Are you still there?");
  });

  it("Enter sends; the server's copy replaces the pending row (never shown twice)", async () => {
    const user = userEvent.setup();
    renderPanel();
    await screen.findByText("Connected");
    const box = screen.getByRole("textbox", { name: "Message" });
    await user.type(box, "My printer is on fire{Enter}");
    const log = screen.getByRole("log");
    await waitFor(() => expect(within(log).getAllByTestId("chat-message")).toHaveLength(1));
    expect(within(log).queryAllByTestId("chat-pending")).toHaveLength(0);
    expect(within(log).getAllByText("My printer is on fire")).toHaveLength(1);
    expect(within(log).getByText("You")).toBeInTheDocument();
    expect(box).toHaveValue("");
  });

  it("Shift+Enter adds a line instead of sending", async () => {
    const user = userEvent.setup();
    renderPanel();
    await screen.findByText("Connected");
    const box = screen.getByRole("textbox", { name: "Message" });
    await user.type(box, "line one{Shift>}{Enter}{/Shift}line two");
    expect(box).toHaveValue("line one\nline two");
    expect(server.messageFrames()).toHaveLength(0);
  });

  it("while the connection is down, a message waits as a pending row and goes out once when it is back", async () => {
    const user = userEvent.setup();
    renderPanel();
    await screen.findByText("Connected");
    server.refuseWith = 4503;
    act(() => server.dropAll(1012));
    await screen.findByText("Reconnecting…");

    await user.type(screen.getByRole("textbox", { name: "Message" }), "Sent while down{Enter}");
    const pending = await screen.findByTestId("chat-pending");
    expect(pending).toHaveTextContent("Sent while down");
    expect(server.messageFrames()).toHaveLength(0);

    server.refuseWith = null;
    await screen.findByText("Connected", {}, { timeout: 5000 });
    const log = screen.getByRole("log");
    await waitFor(() => expect(within(log).queryAllByTestId("chat-pending")).toHaveLength(0));
    expect(within(log).getAllByText("Sent while down")).toHaveLength(1);
    expect(server.messageFrames()).toHaveLength(1);
  });

  it("says why when the chat is not allowed (4403)", async () => {
    server.forbidden.add(ANA.id);
    renderPanel();
    await screen.findByText(/Chat unavailable: You do not have access/);
    expect(screen.getByRole("button", { name: "Send" })).toBeDisabled();
  });
});
