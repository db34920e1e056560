import { Skeleton } from "@/components/ui/skeleton";

/** Shaped like the ticket page: header, actions and SLA on the left, chat on the right. */
export function TicketPageSkeleton() {
  return (
    <div aria-busy="true" aria-label="Loading ticket" className="grid gap-4 lg:grid-cols-3">
      <div className="flex flex-col gap-4 lg:col-span-2">
        <Skeleton className="h-5 w-40" />
        <Skeleton className="h-8 w-3/4" />
        <Skeleton className="h-12 w-full" />
        <Skeleton className="h-9 w-1/2" />
        <Skeleton className="h-32 w-full" />
        <Skeleton className="h-28 w-full" />
      </div>
      <Skeleton className="h-96 w-full" />
    </div>
  );
}
