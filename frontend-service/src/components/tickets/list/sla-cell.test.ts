import { describe, expect, it } from "vitest";

import { describeSla, formatDuration } from "./sla-cell";

const now = Date.parse("2026-03-02T10:00:00Z");
const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();

describe("describeSla", () => {
  it("counts down to the running clock's due time", () => {
    expect(describeSla({ status: "in_progress", sla_status: "on_track", sla_clock: "resolution", resolution_due_at: at(190) }, now)).toEqual({
      label: "On track",
      tone: "ok",
      detail: "due in 3 h 10 min",
    });
    expect(describeSla({ status: "new", sla_status: "at_risk", sla_clock: "first_response", first_response_due_at: at(45) }, now)).toMatchObject({
      tone: "risk",
      detail: "response due in 45 min",
    });
  });

  it("says how long ago a breach happened", () => {
    expect(
      describeSla({ status: "assigned", sla_status: "breached", sla_clock: "resolution", resolution_due_at: at(-120), resolution_breached_at: at(-120) }, now),
    ).toEqual({ label: "Breached", tone: "breach", detail: "breached 2 h ago" });
  });

  it("shows a paused clock and no countdown for finished tickets", () => {
    expect(describeSla({ status: "postponed", sla_status: "paused", sla_clock: null }, now)).toMatchObject({ label: "Paused", tone: "paused" });
    expect(describeSla({ status: "closed", sla_status: "on_track", sla_clock: null }, now)).toMatchObject({ label: "Met", detail: null });
  });

  it("formats durations for people", () => {
    expect(formatDuration(30_000)).toBe("less than a minute");
    expect(formatDuration(3 * 86_400_000 + 2 * 3_600_000)).toBe("3 d 2 h");
  });
});
