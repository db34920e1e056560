import type { Metadata } from "next";
import { Suspense } from "react";

import { MyTicketsRoot } from "@/components/tickets/list/my-tickets-root";
import { TicketListSkeleton } from "@/components/tickets/list/ticket-list-skeleton";

export const metadata: Metadata = { title: "My tickets" };

export default function MyTicketsPage() {
  return (
    <Suspense fallback={<TicketListSkeleton />}>
      <MyTicketsRoot />
    </Suspense>
  );
}
