import { describe, expect, it } from "vitest";

import type { AuditRow } from "@/services/api/types";

import { actionLabel, fieldLabel, statusLabel } from "./history-labels";
import { changedFields } from "./history-timeline";

const row = (overrides: Partial<AuditRow>) => ({ action: "assign", changes: {}, ...overrides }) as AuditRow;

describe("history labels", () => {
  it("reads actions, states and fields as words", () => {
    expect(actionLabel("request_approval")).toBe("requested approval");
    expect(actionLabel("sub_ticket.complete")).toBe("completed a sub-ticket");
    expect(actionLabel("approval_dropout")).toBe("took an approver who lost access off the round");
    expect(actionLabel("sla_at_risk")).toBe("flagged the SLA at risk");
    expect(actionLabel("something_new")).toBe("something new");
    expect(statusLabel("waiting_approval")).toBe("Waiting for approval");
    expect(fieldLabel("resolution_due_at")).toBe("Resolution due");
  });
});

describe("changedFields", () => {
  it("lists before and after, leaving out the ticket status and unchanged values", () => {
    const fields = changedFields(
      row({ changes: { status: ["new", "assigned"], assignee_id: [null, "u-1"], category: ["x", "x"] } }),
    );
    expect(fields).toEqual([{ field: "assignee_id", before: null, after: "u-1" }]);
  });

  it("keeps a sub-ticket's own status change", () => {
    const fields = changedFields(row({ action: "sub_ticket.start", changes: { sub_ticket_id: [null, "s-1"], status: ["assigned", "in_progress"] } }));
    expect(fields).toEqual([{ field: "sub_ticket_status", before: "assigned", after: "in_progress" }]);
  });
});
