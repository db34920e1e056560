/**
 * Helpers of the browser tests: key-screen screenshots, the accessibility check, and small
 * waits the specs share.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

/** <repo>/var/screenshots: key screens for people to look at (never committed). */
export const SCREENSHOTS_DIR = process.env.HDMS_SCREENSHOTS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "var", "screenshots");

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const path = join(SCREENSHOTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Runs axe (WCAG 2.x A and AA rules) on what the page shows now and fails on any serious or
 * critical violation, listing each with the elements it concerns. Every finding is attached to
 * the test's report.
 */
export async function expectAccessible(page: Page, screen: string, testInfo: TestInfo): Promise<void> {
  // @axe-core/playwright types its page with the newest playwright-core installed, which can
  // differ from @playwright/test's own: the same object at run time.
  const axePage = page as unknown as ConstructorParameters<typeof AxeBuilder>[0]["page"];
  const results = await new AxeBuilder({ page: axePage }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  await testInfo.attach(`axe-${screen}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: "application/json" });
  const blocking = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => {
      const nodes = violation.nodes.map((node) => `    at ${node.target.join(" ")}: ${(node.failureSummary ?? "").replace(/\s+/g, " ").trim()}`);
      return `${violation.impact} ${violation.id}: ${violation.help}\n${nodes.join("\n")}`;
    });
  expect(blocking, `${screen}: serious or critical accessibility violations`).toEqual([]);
}

/** The signed-in shell is there: the main navigation and the user's own name. */
export async function expectSignedIn(page: Page, name?: string): Promise<void> {
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  if (name) await expect(page.getByRole("banner").getByText(name)).toBeVisible();
}

/** The id of the ticket a /tickets/view?id=... page shows. */
export function ticketIdOf(page: Page): string {
  const id = new URL(page.url()).searchParams.get("id");
  expect(id, `not a ticket page: ${page.url()}`).toBeTruthy();
  return id as string;
}
