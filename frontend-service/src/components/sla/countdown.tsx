"use client";

import { useEffect, useState } from "react";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The time left until `dueAt` at `now`, in words: "2 d 4 h left", "3 h 12 min left",
 * "12 min 05 s left", and once past: "overdue by 1 h 05 min". Wall-clock time; the due time
 * itself already counts business hours only.
 */
export function formatCountdown(dueAt: string | Date, now: Date | number): string {
  const due = typeof dueAt === "string" ? new Date(dueAt).getTime() : dueAt.getTime();
  const current = typeof now === "number" ? now : now.getTime();
  if (Number.isNaN(due)) return "";
  const diff = due - current;
  const span = formatSpan(Math.abs(diff));
  return diff >= 0 ? `${span} left` : `overdue by ${span}`;
}

function formatSpan(ms: number): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  if (ms >= DAY) {
    const days = Math.floor(ms / DAY);
    const hours = Math.floor((ms % DAY) / HOUR);
    return `${days} d ${hours} h`;
  }
  if (ms >= HOUR) {
    const hours = Math.floor(ms / HOUR);
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    return `${hours} h ${pad(minutes)} min`;
  }
  const minutes = Math.floor(ms / MINUTE);
  const seconds = Math.floor((ms % MINUTE) / SECOND);
  return `${minutes} min ${pad(seconds)} s`;
}

/** How often the text must change: every second in the last hour, else every 30 s. */
export function tickFor(dueAt: string, now: number): number {
  return Math.abs(new Date(dueAt).getTime() - now) < HOUR ? SECOND : 30 * SECOND;
}

/** The current time, refreshed by a local timer (never the server). */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** A live "time left" for a running SLA clock. */
export function Countdown({ dueAt, className }: { dueAt: string; className?: string }) {
  const [interval, setIntervalMs] = useState(() => tickFor(dueAt, Date.now()));
  const now = useNow(interval);
  const wanted = tickFor(dueAt, now);
  if (wanted !== interval) setIntervalMs(wanted);
  return (
    <time dateTime={dueAt} className={className} data-slot="countdown">
      {formatCountdown(dueAt, now)}
    </time>
  );
}
