"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";

import { EmptyState, ErrorState } from "@/components/shell/access-states";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { toast } from "@/components/ui/toast";
import { cn } from "@/lib/cn";
import { describeProblem } from "@/services/api/forms";
import {
  notificationHref,
  useMarkAllNotificationsRead,
  useMarkNotificationRead,
  useNotifications,
  useUnreadCount,
} from "@/services/api/queries/notifications";
import type { Notification } from "@/services/api/types";

const KIND_LABELS: Record<string, string> = {
  ticket_created: "New ticket",
  ticket_assigned: "Assigned",
  ticket_rejected: "Rejected",
  ticket_resolved: "Resolved",
  ticket_status_changed: "Status",
  approval_requested: "Approval",
  sla_breached: "SLA breached",
  sla_at_risk: "SLA at risk",
  sub_ticket_assigned: "Sub-ticket",
  chat_message: "Message",
};

function formatWhen(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** My notifications, newest first; "Unread" filter in the URL (?unread=1); mark one or all read. */
export function NotificationsRoot() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const unreadOnly = params.get("unread") === "1";
  const list = useNotifications({ unread: unreadOnly });
  const count = useUnreadCount();
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();

  function setUnreadOnly(value: boolean) {
    const next = new URLSearchParams(params.toString());
    if (value) next.set("unread", "1");
    else next.delete("unread");
    const query = next.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  function read(id: string) {
    markRead.mutate(id, { onError: (error) => toast(`Could not mark it read: ${describeProblem(error)}`, "error") });
  }

  const items = list.data?.pages.flatMap((page) => page.items ?? []) ?? [];
  const unread = count.data ?? 0;

  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Notifications</h1>
        <Button
          variant="secondary"
          size="sm"
          disabled={unread === 0 || markAll.isPending}
          onClick={() => markAll.mutate(undefined, { onError: (error) => toast(`Could not mark all read: ${describeProblem(error)}`, "error") })}
        >
          Mark all read
        </Button>
      </div>
      <div role="group" aria-label="Show" className="flex gap-1">
        <Button size="sm" variant={unreadOnly ? "ghost" : "secondary"} aria-pressed={!unreadOnly} onClick={() => setUnreadOnly(false)}>
          All
        </Button>
        <Button size="sm" variant={unreadOnly ? "secondary" : "ghost"} aria-pressed={unreadOnly} onClick={() => setUnreadOnly(true)}>
          Unread{unread > 0 ? ` (${unread})` : ""}
        </Button>
      </div>
      {list.isPending ? (
        <NotificationsSkeleton />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} what="notifications" />
      ) : items.length === 0 ? (
        unreadOnly ? (
          <EmptyState title="No unread notifications.">
            <p>
              You are all caught up.{" "}
              <button type="button" className="text-primary underline" onClick={() => setUnreadOnly(false)}>
                Show all notifications
              </button>
              .
            </p>
          </EmptyState>
        ) : (
          <EmptyState title="No notifications yet.">
            <p>
              Assignments, status changes, approvals and new chat messages on your tickets show up here.{" "}
              <Link href="/tickets" className="text-primary underline">
                Go to my tickets
              </Link>
              .
            </p>
          </EmptyState>
        )
      ) : (
        <>
          <ul aria-label="Notifications" className="flex flex-col divide-y divide-border rounded-lg border border-border bg-surface">
            {items.map((notification) => (
              <NotificationItem key={notification.id} notification={notification} onRead={read} />
            ))}
          </ul>
          {list.hasNextPage ? (
            <Button variant="secondary" className="self-center" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              {list.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          ) : null}
        </>
      )}
    </div>
  );
}

function NotificationItem({ notification, onRead }: { notification: Notification; onRead: (id: string) => void }) {
  const unread = !notification.read_at;
  const href = notificationHref(notification);
  const title = notification.title || "Notification";
  return (
    <li data-testid="notification" data-unread={unread} className={cn("flex flex-col gap-2 p-4 sm:flex-row sm:items-start", unread && "bg-accent/40")}>
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <div className="flex flex-wrap items-center gap-2">
          {unread ? <Badge tone="primary">Unread</Badge> : null}
          <Badge>{KIND_LABELS[notification.type ?? ""] ?? "Update"}</Badge>
          <time className="text-xs text-muted-foreground" dateTime={notification.created_at}>
            {formatWhen(notification.created_at)}
          </time>
        </div>
        {href ? (
          <Link
            href={href}
            className={cn("text-sm text-primary hover:underline", unread && "font-semibold")}
            onClick={() => {
              if (unread && notification.id) onRead(notification.id);
            }}
          >
            {title}
          </Link>
        ) : (
          <p className={cn("text-sm", unread && "font-semibold")}>{title}</p>
        )}
        {notification.body ? <p className="text-sm break-words text-muted-foreground">{notification.body}</p> : null}
      </div>
      {unread && notification.id ? (
        <Button size="sm" variant="ghost" aria-label={`Mark read: ${title}`} onClick={() => onRead(notification.id as string)}>
          Mark read
        </Button>
      ) : null}
    </li>
  );
}

export function NotificationsSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading notifications" className="flex flex-col gap-3">
      {Array.from({ length: 5 }, (_, i) => (
        <Skeleton key={i} className="h-16 w-full" />
      ))}
    </div>
  );
}
