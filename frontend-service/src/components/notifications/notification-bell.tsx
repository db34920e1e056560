"use client";

import Link from "next/link";

/** Placeholder until the notifications domain lands: a link to the list. */
export function NotificationBell() {
  return (
    <Link href="/notifications" className="rounded-md px-2 py-1 text-sm hover:bg-muted">
      Notifications
    </Link>
  );
}
