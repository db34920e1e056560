/**
 * Signing in and out, and the session surviving what a browser does to it: a reload, an
 * expired access token, and a protected page opened without a session.
 */
import { apiLogin, expect, test } from "./fixtures";
import { expectSignedIn } from "./helpers";

/** What an expired access token gets. */
const EXPIRED = {
  status: 401,
  contentType: "application/problem+json",
  body: JSON.stringify({ type: "urn:hdms:problem:unauthorized", title: "Unauthorized", status: 401, detail: "Token has expired." }),
};

/** A request of the API for data (not of /api/auth, whose 401s mean something else). */
function isDataRequest(url: URL): boolean {
  return url.pathname.startsWith("/api/") && !url.pathname.startsWith("/api/auth/");
}

test.describe("sign-in", () => {
  test("a wrong password says so clearly and keeps the user on sign-in", { tag: "@smoke" }, async ({ page, team }) => {
    await page.goto("/sign-in");
    await expect(page.getByRole("heading", { level: 1, name: /sign in/i })).toBeVisible();
    await page.getByLabel("Employee code").fill(team.requestor.code);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /wrong employee code or password/i })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByLabel("Password")).toBeVisible();
  });

  test("signing in lands on My tickets, and a reload keeps the session", { tag: "@smoke" }, async ({ page, team }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Employee code").fill(team.requestor.code);
    await page.getByLabel("Password").fill(team.requestor.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/tickets$/);
    await expect(page.getByRole("heading", { level: 1, name: "My tickets" })).toBeVisible();
    await expectSignedIn(page, team.requestor.name);

    // A full reload drops the in-memory access token: the refresh cookie restores the session.
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "My tickets" })).toBeVisible();
    await expectSignedIn(page, team.requestor.name);
    await expect(page).toHaveURL(/\/tickets$/);
  });

  test("an expired access token is refreshed once and the request retried", async ({ page, context, team }) => {
    await apiLogin(context, team.requestor);
    await page.goto("/tickets");
    await expect(page.getByRole("heading", { level: 1, name: "My tickets" })).toBeVisible();

    // From now on, the first API request answers 401 as an expired access token would.
    const refused: string[] = [];
    await page.route(isDataRequest, async (route) => {
      if (refused.length === 0) {
        refused.push(route.request().url());
        await route.fulfill(EXPIRED);
        return;
      }
      await route.continue();
    });
    const refreshed = page.waitForResponse((response) => response.url().endsWith("/api/auth/refresh") && response.status() === 200);
    await page.getByRole("main").getByRole("link", { name: "New ticket", exact: true }).click();
    await refreshed;
    expect(refused, "no API request was answered 401").toHaveLength(1);
    await expect(page.getByRole("heading", { level: 1, name: "New ticket" })).toBeVisible();
    await expect(page.getByLabel("Department").locator("option", { hasText: team.department.name })).toHaveCount(1);
    await expectSignedIn(page, team.requestor.name);
    await expect(page).toHaveURL(/\/tickets\/new$/);
  });

  test("a protected page without a session goes to sign-in and back after signing in", { tag: "@smoke" }, async ({ page, team }) => {
    await page.goto("/tickets/new");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Ftickets%2Fnew$/);
    await page.getByLabel("Employee code").fill(team.requestor.code);
    await page.getByLabel("Password").fill(team.requestor.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/tickets\/new$/);
    await expect(page.getByRole("heading", { level: 1, name: "New ticket" })).toBeVisible();
  });

  test("a session that ends (refresh refused) goes back to sign-in", async ({ page, context, team }) => {
    await apiLogin(context, team.requestor);
    await page.goto("/tickets");
    await expect(page.getByRole("heading", { level: 1, name: "My tickets" })).toBeVisible();
    // The refresh cookie is gone (expired or revoked elsewhere) and the access token expires.
    await context.clearCookies();
    await page.route(isDataRequest, (route) => route.fulfill(EXPIRED));
    await page.getByRole("main").getByRole("link", { name: "New ticket", exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in\?next=%2Ftickets%2Fnew$/);
    await expect(page.getByLabel("Employee code")).toBeVisible();
  });

  test("signing out ends the session, also for a reload", async ({ page, context, team }) => {
    await apiLogin(context, team.requestor);
    await page.goto("/tickets");
    await expectSignedIn(page, team.requestor.name);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByLabel("Employee code")).toBeVisible();
    expect((await context.cookies()).filter((cookie) => cookie.name === "hdms_refresh" && cookie.value)).toEqual([]);
    await page.goto("/tickets");
    await expect(page).toHaveURL(/\/sign-in\?next=%2Ftickets$/);
  });
});
