"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

import { cn } from "@/lib/cn";
import { useUnreadCount } from "@/services/api/queries/notifications";

/**
 * The shell's link to /notifications with the live unread count: fetched once, then kept
 * current by the notifications socket (RealtimeBridge), which pushes the count on connect and
 * refreshes it on every notification.
 */
export function NotificationBell() {
  const pathname = usePathname();
  const { data: count } = useUnreadCount();
  const unread = count ?? 0;
  const label = unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
  return (
    <Link
      href="/notifications"
      aria-label={label}
      aria-current={pathname === "/notifications" ? "page" : undefined}
      data-testid="notification-bell"
      className="relative inline-flex items-center gap-2 rounded-md px-2 py-1 text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5 fill-none stroke-current stroke-2">
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" strokeLinecap="round" strokeLinejoin="round" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <span className="hidden sm:inline">Notifications</span>
      {unread > 0 ? (
        <span
          aria-hidden="true"
          data-testid="unread-count"
          className={cn("min-w-5 rounded-full bg-destructive px-1.5 text-center text-xs font-semibold text-destructive-foreground")}
        >
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </Link>
  );
}
