import { describe, expect, it } from "vitest";

import { DEFAULT_QUEUE_SORT, parseQueueFilters, queueApiFilters, queueFiltersToParams, type QueueFilters } from "./queue-filters";

const full: QueueFilters = {
  department: "d-1",
  status: ["new", "under_review"],
  priority: ["high", "critical"],
  sla: "at_risk",
  assignee: "e-7",
  q: "vpn down",
  from: "2026-01-01",
  to: "2026-01-31",
  sort: "due_at",
};

describe("queue filters <-> URL", () => {
  it("round-trips every filter", () => {
    const params = queueFiltersToParams(full);
    expect(parseQueueFilters(new URLSearchParams(params.toString()))).toEqual(full);
  });

  it("keeps the URL empty for the defaults (no sort when it is the default)", () => {
    const params = queueFiltersToParams({ status: [], priority: [], q: "", sort: DEFAULT_QUEUE_SORT });
    expect(params.toString()).toBe("");
    expect(parseQueueFilters(params)).toEqual({
      department: undefined,
      status: [],
      priority: [],
      sla: undefined,
      assignee: undefined,
      q: "",
      from: undefined,
      to: undefined,
      sort: DEFAULT_QUEUE_SORT,
    });
  });

  it("drops values it does not know", () => {
    const parsed = parseQueueFilters(new URLSearchParams("status=new,nope&priority=urgent&sla=late&sort=title&from=yesterday"));
    expect(parsed).toMatchObject({ status: ["new"], priority: [], sla: undefined, sort: DEFAULT_QUEUE_SORT, from: undefined });
  });
});

describe("queueApiFilters", () => {
  it("maps the URL filters to the API's, the `to` day inclusive", () => {
    const api = queueApiFilters(full, "d-1");
    expect(api).toMatchObject({
      department_id: "d-1",
      status: ["new", "under_review"],
      priority: ["high", "critical"],
      sla_status: ["at_risk"],
      assignee_id: "e-7",
      q: "vpn down",
      sort: "due_at",
    });
    expect(new Date(api.created_after!).getTime()).toBe(new Date(2026, 0, 1).getTime());
    expect(new Date(api.created_before!).getTime()).toBe(new Date(2026, 1, 1).getTime());
  });

  it("sends no sort for the default order", () => {
    expect(queueApiFilters({ ...full, sort: DEFAULT_QUEUE_SORT }, "d-1").sort).toBeUndefined();
  });
});
