"use client";

/** Placeholder until the realtime domain lands: opens the notifications socket for the shell. */
export function RealtimeBridge() {
  return null;
}
