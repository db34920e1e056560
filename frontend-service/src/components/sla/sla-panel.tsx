"use client";

import dynamic from "next/dynamic";
import { useState } from "react";

import { formatDateTime } from "@/components/tickets/ticket-page/format";
import { Button } from "@/components/ui/button";
import { useOpenedOnce } from "@/lib/use-opened-once";
import type { Ticket } from "@/services/api/types";

import { Countdown } from "./countdown";
import { SlaBadge } from "./sla-badge";

// The override form (and the dialog and form libraries) loads when it is first opened.
const SlaOverrideDialog = dynamic(() => import("./sla-override-dialog").then((m) => m.SlaOverrideDialog), { ssr: false });

function Clock({
  label,
  dueAt,
  running,
  metAt,
  metLabel,
  breachedAt,
}: {
  label: string;
  dueAt: string | null | undefined;
  running: boolean;
  metAt?: string | null;
  metLabel: string;
  breachedAt: string | null | undefined;
}) {
  return (
    <div className="flex flex-col gap-1 rounded-md border border-border p-3">
      <dt className="text-xs font-medium text-muted-foreground uppercase">{label}</dt>
      <dd className="text-sm">
        Due <time dateTime={dueAt ?? undefined}>{formatDateTime(dueAt)}</time>
      </dd>
      {running && dueAt ? (
        <dd className="text-sm font-medium">
          <Countdown dueAt={dueAt} />
        </dd>
      ) : null}
      {metAt ? (
        <dd className="text-sm text-muted-foreground">
          {metLabel} <time dateTime={metAt}>{formatDateTime(metAt)}</time>
        </dd>
      ) : null}
      {breachedAt ? (
        <dd className="text-sm text-sla-breach">
          Breached <time dateTime={breachedAt}>{formatDateTime(breachedAt)}</time>
        </dd>
      ) : null}
    </div>
  );
}

/**
 * The ticket's two SLA clocks: due times, the one running with a live countdown (a local
 * timer, not a poll), breach times, and the override for moderators and admins.
 */
export function SlaPanel({ ticket, canOverride, onConflict }: { ticket: Ticket; canOverride: boolean; onConflict: () => void }) {
  const [overriding, setOverriding] = useState(false);
  const overrideOpened = useOpenedOnce(overriding);
  const terminal = ["closed", "rejected", "cancelled"].includes(ticket.status ?? "");
  return (
    <section aria-labelledby="sla-heading" className="rounded-lg border border-border bg-surface p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex items-center gap-2">
          <h2 id="sla-heading" className="text-base font-semibold">
            SLA
          </h2>
          <SlaBadge status={ticket.sla_status} />
        </div>
        {canOverride && !terminal ? (
          <Button size="sm" variant="secondary" onClick={() => setOverriding(true)}>
            Override SLA
          </Button>
        ) : null}
      </div>
      {ticket.sla_status === "paused" && ticket.resume_at ? (
        <p className="mt-2 text-sm text-muted-foreground">
          Clocks stopped while postponed; resumes {formatDateTime(ticket.resume_at)}.
        </p>
      ) : null}
      <dl className="mt-3 grid gap-3 sm:grid-cols-2">
        <Clock
          label="First response"
          dueAt={ticket.first_response_due_at}
          running={ticket.sla_clock === "first_response"}
          metAt={ticket.acknowledged_at}
          metLabel="Acknowledged"
          breachedAt={ticket.first_response_breached_at}
        />
        <Clock
          label="Resolution"
          dueAt={ticket.resolution_due_at}
          running={ticket.sla_clock === "resolution"}
          metAt={ticket.resolved_at}
          metLabel="Resolved"
          breachedAt={ticket.resolution_breached_at}
        />
      </dl>
      {canOverride && overrideOpened ? (
        <SlaOverrideDialog key={ticket.version} ticket={ticket} isOpen={overriding} onClose={() => setOverriding(false)} onConflict={onConflict} />
      ) : null}
    </section>
  );
}
