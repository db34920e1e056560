"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";

import { EmptyState, ErrorState } from "@/components/shell/access-states";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/cn";
import { useOpenedOnce } from "@/lib/use-opened-once";
import { usePendingApprovals } from "@/services/api/queries/pending-approvals";

import type { DecisionChoice } from "./decision-dialog";
import { PendingApprovalItem } from "./pending-approval-item";

// The decision form (and the dialog and form libraries) loads when it is first opened.
const DecisionDialog = dynamic(() => import("./decision-dialog").then((m) => m.DecisionDialog), { ssr: false });

const VIEWS = [
  { key: "pending", href: "/approvals", label: "Waiting for my decision" },
  { key: "decided", href: "/approvals?view=decided", label: "Decided or ended" },
] as const;

/** /approvals: the approval rounds naming me as an approver; by default those waiting for me. */
export function PendingApprovalsRoot() {
  const view = useSearchParams().get("view") === "decided" ? "decided" : "pending";
  return (
    <div className="flex flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold">Approvals</h1>
        <p className="mt-1 text-sm text-muted-foreground">Requests that name you as an approver. A ticket waits until its approval round completes.</p>
      </div>
      <nav aria-label="Approval lists" className="border-b border-border">
        <ul className="flex gap-1">
          {VIEWS.map((item) => (
            <li key={item.key}>
              <Link
                href={item.href}
                aria-current={view === item.key ? "page" : undefined}
                className={cn(
                  "-mb-px inline-block border-b-2 border-transparent px-3 py-2 text-sm text-muted-foreground hover:text-foreground",
                  view === item.key && "border-primary font-medium text-primary",
                )}
              >
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {view === "pending" ? <PendingApprovalsList /> : <DecidedApprovalsList />}
    </div>
  );
}

function ListSkeleton() {
  return (
    <div className="flex flex-col gap-3" aria-busy="true" aria-label="Loading approvals">
      {Array.from({ length: 3 }, (_, i) => (
        <Skeleton key={i} className="h-28 w-full" />
      ))}
    </div>
  );
}

export function PendingApprovalsList() {
  const query = usePendingApprovals(true);
  const [choice, setChoice] = useState<DecisionChoice | null>(null);
  const dialogOpened = useOpenedOnce(choice !== null);

  if (query.isPending) return <ListSkeleton />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} what="approvals" />;

  const items = query.data.pages.flatMap((page) => page.items);
  return (
    <section aria-labelledby="pending-heading" className="flex flex-col gap-3">
      <h2 id="pending-heading" className="sr-only">
        Waiting for my decision
      </h2>
      {items.length ? (
        <ul className="flex flex-col gap-3">
          {items.map((approval) => (
            <PendingApprovalItem key={approval.id} approval={approval} onDecide={(decision) => setChoice({ approval, decision })} />
          ))}
        </ul>
      ) : (
        <EmptyState title="Nothing waits for your decision">
          When someone asks you to approve a ticket, it appears here. Meanwhile, see{" "}
          <Link href="/tickets" className="text-primary underline">
            your tickets
          </Link>
          .
        </EmptyState>
      )}
      {query.hasNextPage ? (
        <Button variant="secondary" className="self-center" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      ) : null}
      {dialogOpened ? <DecisionDialog choice={choice} onClose={() => setChoice(null)} /> : null}
    </section>
  );
}

function DecidedApprovalsList() {
  const query = usePendingApprovals(false);
  if (query.isPending) return <ListSkeleton />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} what="approvals" />;

  const items = query.data.pages.flatMap((page) => page.items);
  return (
    <section aria-labelledby="decided-heading" className="flex flex-col gap-3">
      <h2 id="decided-heading" className="sr-only">
        Decided or ended
      </h2>
      {items.length ? (
        <ul className="flex flex-col gap-3">
          {items.map((approval) => (
            <PendingApprovalItem key={approval.id} approval={approval} />
          ))}
        </ul>
      ) : (
        <EmptyState title="No decided requests yet">
          Requests you approve or decline, and rounds that end, are kept here.{" "}
          <Link href="/approvals" className="text-primary underline">
            See what waits for you
          </Link>
          .
        </EmptyState>
      )}
      {query.hasNextPage ? (
        <Button variant="secondary" className="self-center" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      ) : null}
    </section>
  );
}
