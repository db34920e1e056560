import { Skeleton } from "@/components/ui/skeleton";

export function TicketListSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading tickets">
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} className="h-20 w-full md:h-16" />
      ))}
    </div>
  );
}
