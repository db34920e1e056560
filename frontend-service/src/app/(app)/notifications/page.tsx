import type { Metadata } from "next";
import { Suspense } from "react";

import { NotificationsRoot, NotificationsSkeleton } from "@/components/notifications/notifications-root";

export const metadata: Metadata = { title: "Notifications" };

export default function NotificationsPage() {
  return (
    <Suspense fallback={<NotificationsSkeleton />}>
      <NotificationsRoot />
    </Suspense>
  );
}
