"use client";

import { Fragment } from "react";

import { EmptyState, ErrorState } from "@/components/shell/access-states";
import { formatDateTime, humanize } from "@/components/tickets/ticket-page/format";
import { Skeleton } from "@/components/ui/skeleton";
import { useDepartmentName, useEmployee } from "@/services/api/queries/employees";
import { useTicketHistory } from "@/services/api/queries/ticket-actions";
import type { AuditRow } from "@/services/api/types";

import { actionLabel, fieldLabel, HIDDEN_FIELDS, PERSON_FIELDS, statusLabel, TIME_FIELDS } from "./history-labels";

/** Whoever acted: a person's name, or "HDMS" for the system's own steps (sweeps, auto-close). */
function ActorName({ id }: { id: string | undefined }) {
  const { data, isError } = useEmployee(id);
  if (!id || isError) return <span className="font-medium">HDMS</span>;
  return <span className="font-medium">{data?.name ?? "…"}</span>;
}

function PersonValue({ id }: { id: string }) {
  const { data, isError } = useEmployee(id);
  return <>{isError ? "someone" : (data?.name ?? "…")}</>;
}

function DepartmentValue({ id }: { id: string }) {
  return <>{useDepartmentName(id) ?? "a department"}</>;
}

function Value({ field, value }: { field: string; value: unknown }) {
  if (value === null || value === undefined || value === "") return <span className="text-muted-foreground">none</span>;
  if (PERSON_FIELDS.has(field)) {
    const ids = Array.isArray(value) ? value : [value];
    return (
      <>
        {ids.map((id, index) => (
          <Fragment key={String(id)}>
            {index ? ", " : ""}
            <PersonValue id={String(id)} />
          </Fragment>
        ))}
      </>
    );
  }
  if (field === "department_id") return <DepartmentValue id={String(value)} />;
  if (TIME_FIELDS.has(field) && typeof value === "string") return <time dateTime={value}>{formatDateTime(value)}</time>;
  if (field === "progress" && typeof value === "number") return <>{value}%</>;
  if (field === "sla_status" || field === "priority" || field === "postponed_from" || field === "sub_ticket_status") return <>{humanize(String(value))}</>;
  if (Array.isArray(value)) return <>{value.length ? value.map(String).join(", ") : "none"}</>;
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return <>{text.length > 160 ? `${text.slice(0, 157)}…` : text}</>;
}

/** `{field: [before, after]}` (or a bare value) as rows to show. */
export function changedFields(row: AuditRow): Array<{ field: string; before: unknown; after: unknown }> {
  // A sub-ticket's own status is worth a line; the ticket's shows as from -> to instead.
  const ofSubTicket = (row.action ?? "").startsWith("sub_ticket.");
  return Object.entries(row.changes ?? {})
    .filter(([field]) => !HIDDEN_FIELDS.has(field) || (ofSubTicket && field === "status"))
    .map(([field, change]) =>
      Array.isArray(change) && change.length === 2 ? { field, before: change[0], after: change[1] } : { field, before: undefined, after: change },
    )
    .filter(({ before, after }) => JSON.stringify(before ?? null) !== JSON.stringify(after ?? null))
    .map((item) => (ofSubTicket && item.field === "status" ? { ...item, field: "sub_ticket_status" } : item));
}

function HistoryEntry({ row }: { row: AuditRow }) {
  const moved = row.from_state && row.to_state && row.from_state !== row.to_state;
  const fields = row.action === "create" ? [] : changedFields(row);
  return (
    <li className="relative border-l border-border pb-4 pl-4 last:pb-0">
      <span aria-hidden="true" className="absolute top-1.5 -left-1 h-2 w-2 rounded-full bg-primary" />
      <p className="text-sm">
        <ActorName id={row.actor_id} /> {actionLabel(row.action)}
        {moved ? (
          <>
            {" "}
            <span className="text-muted-foreground">
              ({statusLabel(row.from_state)} → {statusLabel(row.to_state)})
            </span>
          </>
        ) : null}
      </p>
      <p className="text-xs text-muted-foreground">
        <time dateTime={row.created_at}>{formatDateTime(row.created_at)}</time>
      </p>
      {fields.length ? (
        <ul className="mt-1 flex flex-col gap-0.5 text-xs">
          {fields.map(({ field, before, after }) => (
            <li key={field}>
              <span className="text-muted-foreground">{fieldLabel(field)}:</span>{" "}
              {before !== undefined ? (
                <>
                  <Value field={field} value={before} /> → <Value field={field} value={after} />
                </>
              ) : (
                <Value field={field} value={after} />
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {row.reason ? <p className="mt-1 text-sm whitespace-pre-line">“{row.reason}”</p> : null}
    </li>
  );
}

/** The ticket's audit history, oldest first. */
export function HistoryTimeline({ ticketId }: { ticketId: string }) {
  const history = useTicketHistory(ticketId);
  return (
    <section aria-labelledby="history-heading" className="rounded-lg border border-border bg-surface p-4">
      <h2 id="history-heading" className="text-base font-semibold">
        History
      </h2>
      <div className="mt-3">
        {history.isPending ? (
          <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading history">
            <Skeleton className="h-10 w-full" />
            <Skeleton className="h-10 w-full" />
          </div>
        ) : history.isError ? (
          <ErrorState error={history.error} what="history" onRetry={() => void history.refetch()} />
        ) : !history.data.length ? (
          <EmptyState title="No history yet">Changes to this ticket will be listed here.</EmptyState>
        ) : (
          <ol aria-label="Ticket history">
            {history.data.map((row) => (
              <HistoryEntry key={row.id ?? row.seq} row={row} />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
