import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { Countdown, formatCountdown, tickFor } from "./countdown";

const NOW = new Date("2026-11-27T12:00:00Z");
const later = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("formatCountdown", () => {
  it("shows days and hours when more than a day is left", () => {
    expect(formatCountdown(later(2 * DAY + 4 * HOUR + 30 * MINUTE), NOW)).toBe("2 d 4 h left");
  });

  it("shows hours and minutes within a day", () => {
    expect(formatCountdown(later(3 * HOUR + 7 * MINUTE + 59 * SECOND), NOW)).toBe("3 h 07 min left");
  });

  it("shows minutes and seconds within the last hour", () => {
    expect(formatCountdown(later(12 * MINUTE + 5 * SECOND), NOW)).toBe("12 min 05 s left");
    expect(formatCountdown(later(0), NOW)).toBe("0 min 00 s left");
  });

  it("says how long ago a due time passed", () => {
    expect(formatCountdown(later(-(HOUR + 5 * MINUTE)), NOW)).toBe("overdue by 1 h 05 min");
    expect(formatCountdown(later(-(3 * DAY)), NOW)).toBe("overdue by 3 d 0 h");
  });

  it("ticks every second in the last hour and every 30 s before", () => {
    expect(tickFor(later(30 * MINUTE), NOW.getTime())).toBe(SECOND);
    expect(tickFor(later(5 * HOUR), NOW.getTime())).toBe(30 * SECOND);
  });
});

describe("Countdown", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("updates its text from a local timer", () => {
    vi.useFakeTimers();
    vi.setSystemTime(NOW);
    render(<Countdown dueAt={later(2 * MINUTE)} />);
    expect(screen.getByText("2 min 00 s left")).toBeInTheDocument();
    act(() => {
      vi.advanceTimersByTime(3 * SECOND);
    });
    expect(screen.getByText("1 min 57 s left")).toBeInTheDocument();
  });
});
