"use client";

import { useId, useState, type ReactNode } from "react";

import { MultiCheck, SearchInput } from "@/components/tickets/list/filter-controls";
import { PRIORITY_LABELS, statusLabel } from "@/components/tickets/ticket-badges";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/input";
import { cn } from "@/lib/cn";
import { PRIORITIES, SLA_STATUSES, TICKET_STATUSES, type Department, type SlaStatus } from "@/services/api/types";

import { AssigneePicker } from "./assignee-picker";
import { DEFAULT_QUEUE_SORT, hasActiveFilters, QUEUE_SORTS, SORT_LABELS, type QueueFilters, type QueueSort } from "./queue-filters";

const SLA_LABELS: Record<SlaStatus, string> = { on_track: "On track", at_risk: "At risk", breached: "Breached", paused: "Paused" };

function LabelledSelect({ label, value, onChange, children }: { label: string; value: string; onChange: (value: string) => void; children: ReactNode }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <Select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {children}
      </Select>
    </div>
  );
}

function DateInput({ label, value, onChange, min, max }: { label: string; value?: string; onChange: (value: string | undefined) => void; min?: string; max?: string }) {
  const id = useId();
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <Input id={id} type="date" value={value ?? ""} min={min} max={max} onChange={(event) => onChange(event.target.value || undefined)} />
    </div>
  );
}

export function QueueFiltersBar({
  filters,
  departments,
  department,
  onChange,
}: {
  filters: QueueFilters;
  departments: Department[];
  department: string | undefined;
  onChange: (next: QueueFilters) => void;
}) {
  // On phones the finer filters fold away behind one button; wider screens always show them.
  const [showMore, setShowMore] = useState(false);
  const finer = [filters.status.length, filters.priority.length, filters.sla, filters.assignee, filters.from, filters.to].filter(Boolean).length;
  const moreId = useId();
  return (
    <div role="search" aria-label="Filter the queue" className="flex flex-col gap-3">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <LabelledSelect label="Department" value={department ?? ""} onChange={(value) => onChange({ ...filters, department: value || undefined, assignee: undefined })}>
          {departments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </LabelledSelect>
        <SearchInput className="sm:col-span-1 lg:col-span-2" value={filters.q} onCommit={(q) => onChange({ ...filters, q })} label="Search tickets" />
        <LabelledSelect label="Sort" value={filters.sort} onChange={(value) => onChange({ ...filters, sort: (value || DEFAULT_QUEUE_SORT) as QueueSort })}>
          {QUEUE_SORTS.map((sort) => (
            <option key={sort} value={sort}>
              {SORT_LABELS[sort]}
            </option>
          ))}
        </LabelledSelect>
      </div>
      <Button variant="secondary" size="sm" className="self-start md:hidden" aria-expanded={showMore} aria-controls={moreId} onClick={() => setShowMore((open) => !open)}>
        {showMore ? "Fewer filters" : `More filters${finer ? ` (${finer})` : ""}`}
      </Button>
      <div id={moreId} className={cn(showMore ? "grid" : "hidden", "gap-3 sm:grid-cols-2 md:grid md:grid-cols-3 lg:grid-cols-6")}>
        <MultiCheck legend="Status" options={TICKET_STATUSES} value={filters.status} onChange={(status) => onChange({ ...filters, status })} labelOf={statusLabel} />
        <MultiCheck legend="Priority" options={PRIORITIES} value={filters.priority} onChange={(priority) => onChange({ ...filters, priority })} labelOf={(p) => PRIORITY_LABELS[p]} />
        <LabelledSelect label="SLA" value={filters.sla ?? ""} onChange={(value) => onChange({ ...filters, sla: (value || undefined) as SlaStatus | undefined })}>
          <option value="">Any</option>
          {SLA_STATUSES.map((sla) => (
            <option key={sla} value={sla}>
              {SLA_LABELS[sla]}
            </option>
          ))}
        </LabelledSelect>
        <AssigneePicker departmentId={department} value={filters.assignee} onChange={(assignee) => onChange({ ...filters, assignee })} />
        <DateInput label="Created from" value={filters.from} max={filters.to} onChange={(from) => onChange({ ...filters, from })} />
        <DateInput label="Created to" value={filters.to} min={filters.from} onChange={(to) => onChange({ ...filters, to })} />
      </div>
      {hasActiveFilters(filters) ? (
        <div>
          <Button
            variant="ghost"
            size="sm"
            onClick={() => onChange({ department: filters.department, status: [], priority: [], q: "", sort: filters.sort })}
          >
            Clear filters
          </Button>
        </div>
      ) : null}
    </div>
  );
}
