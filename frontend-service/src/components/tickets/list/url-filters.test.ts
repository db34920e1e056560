import { describe, expect, it } from "vitest";

import { listQuery } from "@/services/api/queries/tickets";

import { myTicketFiltersToParams, parseMyTicketFilters } from "./url-filters";

describe("my tickets filters <-> URL", () => {
  it("round-trips status and q", () => {
    const filters = { status: ["new", "in_progress"] as const, q: "printer jam" };
    const params = myTicketFiltersToParams({ status: [...filters.status], q: filters.q });
    expect(params.toString()).toBe("status=new%2Cin_progress&q=printer+jam");
    expect(parseMyTicketFilters(new URLSearchParams(params.toString()))).toEqual({ status: ["new", "in_progress"], q: "printer jam" });
  });

  it("drops empty filters from the URL and keeps other parameters", () => {
    const params = myTicketFiltersToParams({ status: [], q: "  " }, new URLSearchParams("status=new&q=x&keep=1"));
    expect(params.toString()).toBe("keep=1");
  });

  it("ignores unknown statuses and accepts repeated parameters", () => {
    expect(parseMyTicketFilters(new URLSearchParams("status=new,bogus&status=closed"))).toEqual({ status: ["new", "closed"], q: "" });
  });
});

describe("listQuery", () => {
  it("sends lists comma-separated and leaves out empty filters", () => {
    expect(listQuery({ status: ["new", "assigned"], priority: [], q: "", requestor_id: "me" }, "c1")).toEqual({
      status: "new,assigned",
      requestor_id: "me",
      cursor: "c1",
    });
  });
});
