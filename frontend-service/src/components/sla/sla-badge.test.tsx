import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { SlaBadge, slaLabel } from "./sla-badge";

describe("SlaBadge", () => {
  it.each([
    ["on_track", "On track"],
    ["at_risk", "At risk"],
    ["breached", "Breached"],
    ["paused", "Paused"],
  ])("shows %s as the words %s, not colour alone", (status, text) => {
    render(<SlaBadge status={status} />);
    expect(screen.getByText(text)).toBeInTheDocument();
    expect(slaLabel(status)).toBe(text);
  });

  it("says so when a ticket has no SLA status", () => {
    render(<SlaBadge status={undefined} />);
    expect(screen.getByText("No SLA")).toBeInTheDocument();
  });
});
