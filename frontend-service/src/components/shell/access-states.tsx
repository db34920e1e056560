import Link from "next/link";
import type { ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { describeProblem } from "@/services/api/forms";
import { isProblem } from "@/services/api/problem";

export function NotFoundState({ what = "page" }: { what?: string }) {
  return (
    <section className="rounded-lg border border-border bg-surface p-6">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-muted-foreground">
        This {what} does not exist, or you do not have access to it.
      </p>
      <Link className="mt-4 inline-block text-sm text-primary underline" href="/tickets">
        Back to my tickets
      </Link>
    </section>
  );
}

export function ForbiddenState() {
  return (
    <section className="rounded-lg border border-border bg-surface p-6">
      <h1 className="text-xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-sm text-muted-foreground">Your HDMS roles do not include this page. Ask an administrator if you need it.</p>
      <Link className="mt-4 inline-block text-sm text-primary underline" href="/tickets">
        Back to my tickets
      </Link>
    </section>
  );
}

/** The error state of a screen: 403/404 become their pages, anything else an inline retry. */
export function ErrorState({ error, onRetry, what }: { error: unknown; onRetry?: () => void; what?: string }) {
  if (isProblem(error) && error.status === 404) return <NotFoundState what={what} />;
  if (isProblem(error) && error.status === 403) return <ForbiddenState />;
  return (
    <div role="alert" className="rounded-lg border border-destructive/40 bg-destructive/5 p-4 text-sm">
      <p className="font-medium text-destructive">Could not load this {what ?? "page"}.</p>
      <p className="mt-1 text-muted-foreground">{describeProblem(error)}</p>
      {onRetry ? (
        <Button className="mt-3" size="sm" variant="secondary" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-border p-8 text-center">
      <p className="font-medium">{title}</p>
      {children ? <div className="mt-2 text-sm text-muted-foreground">{children}</div> : null}
    </div>
  );
}
