"use client";

import { Button } from "@/components/ui/button";

export default function GlobalError({ reset }: { error: Error; reset: () => void }) {
  return (
    <main className="mx-auto max-w-xl p-6">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-sm text-muted-foreground">The page could not be shown. Try again, or go back to your tickets.</p>
      <div className="mt-4 flex gap-2">
        <Button onClick={reset}>Try again</Button>
        <a className="inline-flex h-10 items-center px-4 text-sm text-primary underline" href="/tickets">
          My tickets
        </a>
      </div>
    </main>
  );
}
