import type { Metadata } from "next";
import { Suspense } from "react";

import { QueueRoot } from "@/components/queue/queue-root";
import { TicketListSkeleton } from "@/components/tickets/list/ticket-list-skeleton";

export const metadata: Metadata = { title: "Queue" };

export default function QueuePage() {
  return (
    <Suspense fallback={<TicketListSkeleton />}>
      <QueueRoot />
    </Suspense>
  );
}
