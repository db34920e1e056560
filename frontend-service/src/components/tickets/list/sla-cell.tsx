"use client";

import { Badge } from "@/components/ui/badge";
import type { SlaStatus, Ticket } from "@/services/api/types";

const STOPPED = new Set(["resolved", "closed", "rejected", "cancelled"]);

const SLA_TONES: Record<SlaStatus, "ok" | "risk" | "breach" | "paused"> = {
  on_track: "ok",
  at_risk: "risk",
  breached: "breach",
  paused: "paused",
};

const SLA_LABELS: Record<SlaStatus, string> = {
  on_track: "On track",
  at_risk: "At risk",
  breached: "Breached",
  paused: "Paused",
};

/** "3 h 10 min", "2 d 4 h", "45 min", "less than a minute". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

type SlaFields = Partial<
  Pick<
    Ticket,
    "status" | "sla_status" | "sla_clock" | "first_response_due_at" | "resolution_due_at" | "first_response_breached_at" | "resolution_breached_at"
  >
>;

/** The SLA in words: its label, its badge tone and a countdown ("due in 3 h 10 min", "breached 2 h ago"). */
export function describeSla(ticket: SlaFields, now: number): { label: string; tone: "ok" | "risk" | "breach" | "paused"; detail: string | null } {
  const sla = (ticket.sla_status ?? "on_track") as SlaStatus;
  const breachedAt = [ticket.first_response_breached_at, ticket.resolution_breached_at]
    .filter((value): value is string => Boolean(value))
    .map((value) => Date.parse(value))
    .sort((a, b) => a - b)[0];
  if (STOPPED.has(ticket.status ?? "")) {
    if (sla === "breached" || breachedAt !== undefined) return { label: "Breached", tone: "breach", detail: null };
    return { label: ticket.status === "resolved" || ticket.status === "closed" ? "Met" : "Stopped", tone: "paused", detail: null };
  }
  if (sla === "paused" || ticket.status === "postponed") return { label: SLA_LABELS.paused, tone: "paused", detail: "clock stopped" };
  const dueText = ticket.sla_clock === "first_response" ? ticket.first_response_due_at : ticket.resolution_due_at;
  const due = dueText ? Date.parse(dueText) : NaN;
  if (breachedAt !== undefined || sla === "breached" || (Number.isFinite(due) && due <= now)) {
    const since = breachedAt ?? (Number.isFinite(due) ? due : null);
    return { label: SLA_LABELS.breached, tone: "breach", detail: since !== null ? `breached ${formatDuration(now - since)} ago` : null };
  }
  if (!Number.isFinite(due)) return { label: SLA_LABELS[sla], tone: SLA_TONES[sla], detail: null };
  const what = ticket.sla_clock === "first_response" ? "response due" : "due";
  return { label: SLA_LABELS[sla], tone: SLA_TONES[sla], detail: `${what} in ${formatDuration(due - now)}` };
}

/** The time now for countdowns: the SLA domain's local clock (never a server poll). */
export { useNow } from "@/components/sla/countdown";

/** A row's SLA: a coloured badge with its text, and the countdown beside it. */
export function SlaCell({ ticket, now }: { ticket: SlaFields; now: number }) {
  const sla = describeSla(ticket, now);
  return (
    <span className="inline-flex flex-wrap items-center gap-x-2 gap-y-0.5">
      <Badge tone={sla.tone}>
        <span className="sr-only">SLA: </span>
        {sla.label}
      </Badge>
      {sla.detail ? <span className="text-xs text-muted-foreground">{sla.detail}</span> : null}
    </span>
  );
}
