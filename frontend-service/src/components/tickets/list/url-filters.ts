"use client";

/**
 * Filters live in the URL (reload and back keep them). These helpers read and write the query
 * string; lists are comma-separated (`?status=new,assigned`), unknown values are dropped.
 */
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo, useOptimistic, useTransition } from "react";

import { TICKET_STATUSES, type TicketStatus } from "@/services/api/types";

export function readList<T extends string>(params: URLSearchParams, key: string, allowed: readonly T[]): T[] {
  const raw = params.getAll(key).flatMap((value) => value.split(","));
  const picked = raw.map((value) => value.trim()).filter((value): value is T => (allowed as readonly string[]).includes(value));
  return Array.from(new Set(picked));
}

export function readOne<T extends string>(params: URLSearchParams, key: string, allowed?: readonly T[]): T | undefined {
  const value = params.get(key)?.trim();
  if (!value) return undefined;
  if (allowed && !(allowed as readonly string[]).includes(value)) return undefined;
  return value as T;
}

/** Sets `key` from a value or list; empty values are removed, so the URL stays short. */
export function writeParam(params: URLSearchParams, key: string, value: string | readonly string[] | undefined): void {
  const text = Array.isArray(value) ? value.join(",") : ((value as string | undefined) ?? "");
  if (text) params.set(key, text);
  else params.delete(key);
}

/**
 * Filters read from the URL, and a setter that writes them back. A navigation is a transition,
 * so until it lands the screen shows the new filters optimistically: a ticked box stays ticked
 * and the list starts loading at once.
 */
export function useUrlFilters<T>(
  parse: (params: URLSearchParams) => T,
  serialize: (filters: T, base: URLSearchParams) => URLSearchParams,
): [T, (next: T) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const committed = useMemo(() => parse(new URLSearchParams(params.toString())), [params, parse]);
  const [filters, setOptimistic] = useOptimistic(committed);
  const [, startTransition] = useTransition();
  const setFilters = useCallback(
    (next: T) => {
      startTransition(() => {
        setOptimistic(next);
        const query = serialize(next, new URLSearchParams(params.toString())).toString();
        router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
      });
    },
    [params, pathname, router, serialize, setOptimistic],
  );
  return [filters, setFilters];
}

/** My tickets: status (several) and a text search. */
export type MyTicketFilters = { status: TicketStatus[]; q: string };

export function parseMyTicketFilters(params: URLSearchParams): MyTicketFilters {
  return { status: readList(params, "status", TICKET_STATUSES), q: params.get("q")?.trim() ?? "" };
}

export function myTicketFiltersToParams(filters: MyTicketFilters, base?: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(base);
  writeParam(params, "status", filters.status);
  writeParam(params, "q", filters.q.trim());
  return params;
}
