import type { Metadata } from "next";
import { Suspense } from "react";

import { TicketListSkeleton } from "@/components/tickets/list/ticket-list-skeleton";
import { WorkRoot } from "@/components/work/work-root";

export const metadata: Metadata = { title: "My work" };

export default function WorkPage() {
  return (
    <Suspense fallback={<TicketListSkeleton />}>
      <WorkRoot />
    </Suspense>
  );
}
