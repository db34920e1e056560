"use client";

import dynamic from "next/dynamic";

import { Skeleton } from "@/components/ui/skeleton";

// The form and its libraries (form state, validation) load apart from the page, which shows
// its heading at once and a placeholder of the form's shape meanwhile.
const NewTicketForm = dynamic(() => import("./new-ticket-form").then((m) => m.NewTicketForm), {
  ssr: false,
  loading: () => <NewTicketFormSkeleton />,
});

function NewTicketFormSkeleton() {
  return (
    <div className="flex flex-col gap-5" aria-busy="true" aria-label="Loading the form">
      <div className="grid gap-5 md:grid-cols-2">
        <Skeleton className="h-16 w-full" />
        <Skeleton className="h-16 w-full" />
      </div>
      <Skeleton className="h-16 w-full" />
      <Skeleton className="h-16 w-full" />
      <Skeleton className="h-40 w-full" />
      <Skeleton className="h-28 w-full" />
      <Skeleton className="h-10 w-32" />
    </div>
  );
}

/** New ticket: a department, what is needed, and any files that help explain it. */
export function NewTicketRoot() {
  return (
    <div className="mx-auto flex max-w-3xl flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold">New ticket</h1>
        <p className="mt-1 text-sm text-muted-foreground">Tell the department what you need. Files upload as soon as you add them.</p>
      </div>
      <NewTicketForm />
    </div>
  );
}
