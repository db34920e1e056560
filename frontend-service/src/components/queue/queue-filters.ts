/**
 * The queue's filters as they live in the URL:
 * ?department=<id>&status=new,assigned&priority=high&sla=at_risk&assignee=<id>&q=printer
 * &from=2026-01-01&to=2026-01-31&sort=due_at
 * and how they become the API's list filters.
 */
import { readList, readOne, writeParam } from "@/components/tickets/list/url-filters";
import type { TicketFilters } from "@/services/api/queries/tickets";
import { PRIORITIES, SLA_STATUSES, TICKET_STATUSES, type Priority, type SlaStatus, type TicketStatus } from "@/services/api/types";

export const QUEUE_SORTS = ["-created_at", "created_at", "due_at", "-priority"] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];
export const DEFAULT_QUEUE_SORT: QueueSort = "-created_at";

export const SORT_LABELS: Record<QueueSort, string> = {
  "-created_at": "Newest first",
  created_at: "Oldest first",
  due_at: "Due soonest",
  "-priority": "Highest priority",
};

export type QueueFilters = {
  department?: string;
  status: TicketStatus[];
  priority: Priority[];
  sla?: SlaStatus;
  assignee?: string;
  q: string;
  /** Created on or after this day (YYYY-MM-DD, local). */
  from?: string;
  /** Created on or before this day (YYYY-MM-DD, local). */
  to?: string;
  sort: QueueSort;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function readDay(params: URLSearchParams, key: string): string | undefined {
  const value = params.get(key)?.trim();
  return value && DAY.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

export function parseQueueFilters(params: URLSearchParams): QueueFilters {
  return {
    department: readOne(params, "department"),
    status: readList(params, "status", TICKET_STATUSES),
    priority: readList(params, "priority", PRIORITIES),
    sla: readOne(params, "sla", SLA_STATUSES),
    assignee: readOne(params, "assignee"),
    q: params.get("q")?.trim() ?? "",
    from: readDay(params, "from"),
    to: readDay(params, "to"),
    sort: readOne(params, "sort", QUEUE_SORTS) ?? DEFAULT_QUEUE_SORT,
  };
}

export function queueFiltersToParams(filters: QueueFilters, base?: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(base);
  writeParam(params, "department", filters.department);
  writeParam(params, "status", filters.status);
  writeParam(params, "priority", filters.priority);
  writeParam(params, "sla", filters.sla);
  writeParam(params, "assignee", filters.assignee);
  writeParam(params, "q", filters.q.trim());
  writeParam(params, "from", filters.from);
  writeParam(params, "to", filters.to);
  writeParam(params, "sort", filters.sort === DEFAULT_QUEUE_SORT ? undefined : filters.sort);
  return params;
}

/** Local midnight of a YYYY-MM-DD day as an ISO instant (the API wants aware times). */
function startOfDay(day: string, plusDays = 0): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** The list filters of GET /api/tickets/ for the queue; `sort` only when not the default. */
export function queueApiFilters(filters: QueueFilters, department: string | undefined): TicketFilters {
  return {
    department_id: department,
    status: filters.status,
    priority: filters.priority,
    sla_status: filters.sla ? [filters.sla] : [],
    assignee_id: filters.assignee,
    q: filters.q || undefined,
    created_after: filters.from ? startOfDay(filters.from) : undefined,
    // `to` is inclusive for people, the API's created_before is exclusive: the next midnight.
    created_before: filters.to ? startOfDay(filters.to, 1) : undefined,
    sort: filters.sort === DEFAULT_QUEUE_SORT ? undefined : filters.sort,
  };
}

export function hasActiveFilters(filters: QueueFilters): boolean {
  return Boolean(
    filters.status.length || filters.priority.length || filters.sla || filters.assignee || filters.q || filters.from || filters.to,
  );
}
