/**
 * Notifications: keys, queries and the mark-read mutations. The notifications socket
 * (RealtimeBridge) invalidates notificationKeys.all on every push and reconnect; nothing polls.
 * Marking read is optimistic (undo is trivial): the lists and the count change at once and are
 * put back if the server refuses.
 */
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient, type InfiniteData, type QueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../client";
import type { Notification } from "../types";

export type NotificationFilters = { unread?: boolean };
export type NotificationPage = { items?: Notification[]; next_cursor?: string | null };
type NotificationPages = InfiniteData<NotificationPage, string | undefined>;

export const notificationKeys = {
  all: ["notifications"] as const,
  lists: () => [...notificationKeys.all, "list"] as const,
  list: (filters: NotificationFilters) => [...notificationKeys.lists(), filters] as const,
  unreadCount: () => [...notificationKeys.all, "unread-count"] as const,
};

export const notificationQueries = {
  list: (filters: NotificationFilters) =>
    infiniteQueryOptions({
      queryKey: notificationKeys.list(filters),
      queryFn: ({ pageParam }) =>
        unwrap(
          api.GET("/api/notifications/", {
            params: { query: { limit: 30, ...(filters.unread ? { unread: true } : {}), ...(pageParam ? { cursor: pageParam } : {}) } },
          }),
        ) as Promise<NotificationPage>,
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (page) => page.next_cursor ?? undefined,
    }),
  unreadCount: () =>
    queryOptions({
      queryKey: notificationKeys.unreadCount(),
      queryFn: async () => {
        const body = await unwrap(api.GET("/api/notifications/unread-count"));
        return body.count ?? 0;
      },
    }),
};

export function useNotifications(filters: NotificationFilters) {
  return useInfiniteQuery(notificationQueries.list(filters));
}

export function useUnreadCount() {
  return useQuery(notificationQueries.unreadCount());
}

/** Where a notification leads: its ticket's page (static export: the id in the query string). */
export function notificationHref(notification: Notification): string | null {
  if (notification.ticket_id) return `/tickets/view?id=${encodeURIComponent(notification.ticket_id)}`;
  const match = /^\/tickets\/([0-9a-f-]{36})\/?$/i.exec(notification.link ?? "");
  return match ? `/tickets/view?id=${match[1]}` : null;
}

type Snapshot = { lists: Array<[readonly unknown[], NotificationPages | undefined]>; count: number | undefined };

function snapshot(client: QueryClient): Snapshot {
  return {
    lists: client.getQueriesData<NotificationPages>({ queryKey: notificationKeys.lists() }),
    count: client.getQueryData<number>(notificationKeys.unreadCount()),
  };
}

function restore(client: QueryClient, saved: Snapshot | undefined): void {
  if (!saved) return;
  for (const [key, data] of saved.lists) client.setQueryData(key, data);
  client.setQueryData(notificationKeys.unreadCount(), saved.count);
}

/** Marks the matching notifications read in every cached list; returns how many were unread. */
function markInLists(client: QueryClient, match: (n: Notification) => boolean, readAt: string): number {
  const unread = new Set<string>();
  client.setQueriesData<NotificationPages>({ queryKey: notificationKeys.lists() }, (data) => {
    if (!data) return data;
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: (page.items ?? []).map((n) => {
          if (!match(n) || n.read_at) return n;
          if (n.id) unread.add(n.id);
          return { ...n, read_at: readAt };
        }),
      })),
    };
  });
  return unread.size;
}

export function useMarkNotificationRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/api/notifications/{notification_id}/read", { params: { path: { notification_id: id } } })) as Promise<Notification>,
    onMutate: async (id) => {
      await client.cancelQueries({ queryKey: notificationKeys.all });
      const saved = snapshot(client);
      const marked = markInLists(client, (n) => n.id === id, new Date().toISOString());
      if (marked && saved.count !== undefined) client.setQueryData(notificationKeys.unreadCount(), Math.max(0, saved.count - marked));
      return saved;
    },
    onError: (_error, _id, saved) => restore(client, saved),
    onSuccess: (notification) => {
      if (notification.id && notification.read_at) markInLists(client, (n) => n.id === notification.id, notification.read_at);
    },
    onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.unreadCount() }),
  });
}

export function useMarkAllNotificationsRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/notifications/read-all")) as Promise<{ marked?: number }>,
    onMutate: async () => {
      await client.cancelQueries({ queryKey: notificationKeys.all });
      const saved = snapshot(client);
      markInLists(client, () => true, new Date().toISOString());
      client.setQueryData(notificationKeys.unreadCount(), 0);
      return saved;
    },
    onError: (_error, _vars, saved) => restore(client, saved),
    onSettled: () => client.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
