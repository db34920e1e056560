/**
 * Accessibility of the key screens: axe (WCAG 2.1 A and AA) finds no serious or critical
 * violation on any of them, with data on screen. Each screen is also saved as a screenshot in
 * var/screenshots/ for people to look at.
 */
import type { Page } from "@playwright/test";

import { apiLogin, createAssignedTicketViaApi, createTicketViaApi, expect, test } from "./fixtures";
import { expectAccessible, saveScreenshot } from "./helpers";

/** The chat and the attachments load after the page (next/dynamic): check them too. */
async function waitForTicketPageParts(page: Page): Promise<void> {
  await expect(page.getByRole("heading", { name: /^Chat/ })).toBeVisible();
  await expect(page.getByRole("log")).toBeAttached();
  await expect(page.getByRole("heading", { name: /^Attachments/ })).toBeVisible();
}

async function check(page: Page, screen: string, testInfo: import("@playwright/test").TestInfo): Promise<void> {
  // Nothing still loading: axe checks what the user reads, not skeletons.
  await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
  await saveScreenshot(page, screen);
  await expectAccessible(page, screen, testInfo);
}

test.describe("accessibility of the key screens", () => {
  test("sign-in", async ({ page }, testInfo) => {
    await page.goto("/sign-in");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await check(page, "sign-in", testInfo);
  });

  test("sign-in with an error", async ({ page, team }, testInfo) => {
    await page.goto("/sign-in");
    await page.getByLabel("Employee code").fill(team.approver.code);
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /wrong/i })).toBeVisible();
    await check(page, "sign-in-error", testInfo);
  });

  test("my tickets, new ticket and the ticket page (requestor)", async ({ page, context, team, apiAs }, testInfo) => {
    const ticket = await createTicketViaApi(apiAs, team, { title: "Desk lamp is broken", category: "Facilities" });
    await apiLogin(context, team.requestor);
    await page.goto("/tickets");
    await expect(page.getByRole("heading", { level: 1, name: "My tickets" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Desk lamp is broken" })).toBeVisible();
    await check(page, "my-tickets", testInfo);

    await page.getByRole("main").getByRole("link", { name: "New ticket", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "New ticket" })).toBeVisible();
    await expect(page.getByLabel("Department").locator("option", { hasText: team.department.name })).toHaveCount(1);
    await check(page, "new-ticket", testInfo);

    // The form with its validation messages showing.
    await page.getByRole("button", { name: "Open ticket" }).click();
    await expect(page.getByLabel("Title")).toHaveAttribute("aria-invalid", "true");
    await check(page, "new-ticket-errors", testInfo);

    await page.goto(`/tickets/view?id=${ticket.id}`);
    await expect(page.getByRole("heading", { level: 1, name: "Desk lamp is broken" })).toBeVisible();
    await waitForTicketPageParts(page);
    await check(page, "ticket-page", testInfo);
  });

  test("the ticket page of an assignee at work", async ({ page, context, team, apiAs }, testInfo) => {
    const ticket = await createAssignedTicketViaApi(apiAs, team, { acknowledged: true, title: "Wi-Fi drops in the lab" });
    await apiLogin(context, team.assignee);
    await page.goto(`/tickets/view?id=${ticket.id}`);
    await expect(page.getByRole("heading", { level: 1, name: "Wi-Fi drops in the lab" })).toBeVisible();
    await expect(page.getByRole("group", { name: "Ticket actions" }).getByRole("button", { name: "Resolve" })).toBeVisible();
    await waitForTicketPageParts(page);
    await check(page, "ticket-page-assignee", testInfo);
  });

  test("queue (moderator)", async ({ page, context, team, apiAs }, testInfo) => {
    await createTicketViaApi(apiAs, team, { title: "Door badge does not open" });
    await apiLogin(context, team.moderator);
    await page.goto("/queue");
    await expect(page.getByRole("heading", { level: 1, name: "Queue" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Door badge does not open" }).first()).toBeVisible();
    await check(page, "queue", testInfo);
  });

  test("approvals (approver with a pending request)", async ({ page, context, team, apiAs }, testInfo) => {
    const ticket = await createAssignedTicketViaApi(apiAs, team, { acknowledged: true, title: "New monitor for reception" });
    const admin = await apiAs(team.admin);
    await admin.transition(ticket.id, "request_approval", { approver_ids: [team.approver.id], mode: "all", note: "About 250 EUR.", version: ticket.version });
    await apiLogin(context, team.approver);
    await page.goto("/approvals");
    await expect(page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
    await expect(page.getByRole("link", { name: /New monitor for reception/ })).toBeVisible();
    await check(page, "approvals", testInfo);
  });

  test("notifications (moderator of a department with new tickets)", async ({ page, context, team, apiAs }, testInfo) => {
    await createTicketViaApi(apiAs, team, { title: "Coffee machine leaks" });
    await apiLogin(context, team.moderator);
    await page.goto("/notifications");
    await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
    await expect(page.getByText(/Coffee machine leaks/).first()).toBeVisible();
    await check(page, "notifications", testInfo);
  });

  test("admin employees", async ({ page, context, team }, testInfo) => {
    await apiLogin(context, team.admin);
    await page.goto("/admin/employees");
    await expect(page.getByRole("heading", { level: 1, name: "Employees" })).toBeVisible();
    await expect(page.getByRole("table", { name: "Employees" })).toBeVisible();
    await check(page, "admin-employees", testInfo);

    await page.getByRole("button", { name: "New employee" }).click();
    await expect(page.getByRole("dialog", { name: "New employee" })).toBeVisible();
    await check(page, "admin-new-employee", testInfo);
  });
});
