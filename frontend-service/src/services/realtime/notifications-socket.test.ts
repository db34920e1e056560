// @vitest-environment node
import { QueryClient } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { approvalKeys } from "@/services/api/queries/approvals";
import { notificationKeys } from "@/services/api/queries/notifications";
import { ticketKeys } from "@/services/api/queries/tickets";
import type { Notification } from "@/services/api/types";

import { FakeChatServer, waitFor } from "./fake-chat-server.test-util";
import { NotificationSocket } from "./notifications-socket";
import { applyNotification, applyResume } from "./use-notifications-socket";

const MOD = { id: "c0000000-0000-4000-8000-000000000003", name: "Mia Moderator" };

let server: FakeChatServer;
let socket: NotificationSocket | null = null;

beforeEach(async () => {
  server = new FakeChatServer({ users: { "mod-token": MOD } });
  await server.start();
});

afterEach(async () => {
  socket?.close();
  socket = null;
  await server.stop();
});

describe("NotificationSocket", () => {
  it("passes on the unread count and each pushed notification, and says when it resumed", async () => {
    server.unread = 3;
    socket = new NotificationSocket({ env: server.env(() => "mod-token"), backoff: { baseMs: 20, maxMs: 200 } });
    const counts: number[] = [];
    const pushed: Notification[] = [];
    const resumed = vi.fn();
    socket.events.on("unreadCount", (c) => counts.push(c));
    socket.events.on("notification", (n) => pushed.push(n));
    socket.events.on("resumed", resumed);
    socket.start();
    await waitFor(() => counts.length === 1, 3000, "count");
    expect(counts).toEqual([3]);
    expect(server.connections).toEqual(["/ws/notifications/"]);

    server.pushNotification({ id: "n1", type: "ticket_assigned", title: "HD-1 was assigned to you", ticket_id: "t-1" });
    await waitFor(() => pushed.length === 1, 3000, "push");
    expect(pushed[0]).toMatchObject({ id: "n1", type: "ticket_assigned" });
    expect(resumed).not.toHaveBeenCalled();

    server.unread = 4;
    server.dropAll(1012);
    await waitFor(() => counts.length === 2, 3000, "count after reconnect");
    expect(counts[1]).toBe(4);
    expect(resumed).toHaveBeenCalledTimes(1);
  });

  it("stops on 4401 when the session cannot be refreshed", async () => {
    const refresh = vi.fn(async () => null);
    socket = new NotificationSocket({ env: server.env(() => "bad", refresh) });
    const stopped = vi.fn();
    socket.events.on("stopped", stopped);
    socket.start();
    await waitFor(() => socket?.status === "stopped", 3000, "stopped");
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(stopped).toHaveBeenCalledWith(expect.objectContaining({ code: 4401 }));
  });
});

function notification(patch: Partial<Notification>): Notification {
  return {
    id: "n1",
    type: "ticket_assigned",
    title: "HD-1 was assigned to you",
    body: "",
    link: "/tickets/t-9",
    ticket_id: "t-9",
    read_at: null,
    created_at: "2026-01-01T00:00:00Z",
    ...patch,
  };
}

describe("notification cache effects", () => {
  function spy() {
    const client = new QueryClient();
    const invalidate = vi.spyOn(client, "invalidateQueries");
    const keys = () => invalidate.mock.calls.map(([filters]) => filters?.queryKey);
    return { client, keys };
  }

  it("a ticket notification refreshes notifications, the ticket lists (queue, work) and that ticket", () => {
    const { client, keys } = spy();
    applyNotification(client, notification({ type: "ticket_assigned" }));
    expect(keys()).toEqual([notificationKeys.all, ticketKeys.lists(), ticketKeys.detail("t-9")]);
  });

  it("an approval request also refreshes the approvals", () => {
    const { client, keys } = spy();
    applyNotification(client, notification({ type: "approval_requested" }));
    expect(keys()).toEqual([notificationKeys.all, ticketKeys.lists(), ticketKeys.detail("t-9"), approvalKeys.all]);
  });

  it("a chat notification refreshes only notifications", () => {
    const { client, keys } = spy();
    applyNotification(client, notification({ id: "n2", type: "chat_message" }));
    expect(keys()).toEqual([notificationKeys.all]);
  });

  it("a reconnect refreshes every ticket, queue and notification query", () => {
    const { client, keys } = spy();
    applyResume(client);
    expect(keys()).toEqual([ticketKeys.all, approvalKeys.all, notificationKeys.all]);
  });
});
