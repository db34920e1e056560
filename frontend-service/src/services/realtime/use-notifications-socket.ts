"use client";

/**
 * useNotificationsSocket(): the signed-in user's notification feed, for the app shell. Every
 * push refreshes the notification queries and, for a notification about a ticket, the ticket
 * lists (the moderator's queue, the assignee's work) and that ticket; after a reconnect, when
 * pushes may have been missed, every ticket, queue and notification query is refetched.
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { approvalKeys } from "@/services/api/queries/approvals";
import { notificationKeys } from "@/services/api/queries/notifications";
import { ticketKeys } from "@/services/api/queries/tickets";
import type { Notification } from "@/services/api/types";

import { NotificationSocket } from "./notifications-socket";
import type { SocketEnvironment, SocketStatus } from "./socket";

/** The cache work of one pushed notification (exported for tests). */
export function applyNotification(client: QueryClient, notification: Notification): void {
  void client.invalidateQueries({ queryKey: notificationKeys.all });
  const ticketId = notification.ticket_id;
  if (!ticketId || notification.type === "chat_message") return;
  // A new ticket, an assignment, a status change, an approval round, an SLA breach: the lists
  // it appears in (queue, my work, my tickets, approvals) and the ticket itself.
  void client.invalidateQueries({ queryKey: ticketKeys.lists() });
  void client.invalidateQueries({ queryKey: ticketKeys.detail(ticketId) });
  // A new approval round: the approver's pending approvals and the ticket's rounds.
  if (notification.type === "approval_requested") void client.invalidateQueries({ queryKey: approvalKeys.all });
}

/** After a reconnect: everything a missed push could have changed. */
export function applyResume(client: QueryClient): void {
  void client.invalidateQueries({ queryKey: ticketKeys.all });
  void client.invalidateQueries({ queryKey: approvalKeys.all });
  void client.invalidateQueries({ queryKey: notificationKeys.all });
}

export function useNotificationsSocket({ enabled = true, env }: { enabled?: boolean; env?: Partial<SocketEnvironment> } = {}) {
  const client = useQueryClient();
  const [status, setStatus] = useState<SocketStatus>("connecting");

  useEffect(() => {
    if (!enabled) return;
    const socket = new NotificationSocket({ env });
    socket.events.on("unreadCount", (count) => client.setQueryData(notificationKeys.unreadCount(), count));
    socket.events.on("notification", (notification) => applyNotification(client, notification));
    socket.events.on("resumed", () => applyResume(client));
    socket.events.on("status", setStatus);
    socket.start();
    return () => socket.close();
    // env is a test seam, read once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, client]);

  return { status };
}
