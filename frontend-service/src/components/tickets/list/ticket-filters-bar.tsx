"use client";

import { Button } from "@/components/ui/button";
import { TICKET_STATUSES } from "@/services/api/types";

import { MultiCheck, SearchInput } from "./filter-controls";
import { statusLabel } from "@/components/tickets/ticket-badges";
import type { MyTicketFilters } from "./url-filters";

/** The filters of My tickets: status (several) and a text search. */
export function TicketFiltersBar({ filters, onChange }: { filters: MyTicketFilters; onChange: (next: MyTicketFilters) => void }) {
  const active = filters.status.length > 0 || filters.q !== "";
  return (
    <div role="search" aria-label="Filter my tickets" className="flex flex-col gap-3 sm:flex-row sm:items-end">
      <SearchInput className="flex-1" value={filters.q} onCommit={(q) => onChange({ ...filters, q })} label="Search my tickets" />
      <MultiCheck
        className="sm:w-56"
        legend="Status"
        options={TICKET_STATUSES}
        value={filters.status}
        onChange={(status) => onChange({ ...filters, status })}
        labelOf={statusLabel}
      />
      {active ? (
        <Button variant="ghost" onClick={() => onChange({ status: [], q: "" })}>
          Clear filters
        </Button>
      ) : null}
    </div>
  );
}
