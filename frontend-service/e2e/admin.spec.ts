/**
 * Administration: the admin creates an employee, grants a role in a department, and that
 * employee can then sign in and use the app with what the role gives.
 */
import { randomBytes } from "node:crypto";

import { apiLogin, expect, test } from "./fixtures";
import { expectSignedIn } from "./helpers";

test("the admin creates an employee and grants a role; the employee signs in", async ({ browser, page, context, team }) => {
  const code = `e2e-new-${randomBytes(4).toString("hex")}`;
  const name = `Nia Newcomer ${code.slice(-8)}`;
  const password = `pw-${randomBytes(8).toString("hex")}`;

  await apiLogin(context, team.admin);
  await page.goto("/admin/employees");
  await expect(page.getByRole("heading", { level: 1, name: "Employees" })).toBeVisible();

  await page.getByRole("button", { name: "New employee" }).click();
  const dialog = page.getByRole("dialog", { name: "New employee" });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Employee code").fill(code);
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Department").selectOption({ label: team.department.name });
  await dialog.getByLabel("Initial password").fill(password);
  await dialog.getByRole("button", { name: "Create employee" }).click();

  // The new employee's page: no HDMS access yet, then a role in the team's department.
  await expect(page).toHaveURL(/\/admin\/employees\/view\?id=/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await page.getByRole("button", { name: `Grant Assignee in ${team.department.name}` }).click();
  await expect(page.getByRole("button", { name: `Revoke Assignee in ${team.department.name}` })).toBeVisible();
  await page.getByRole("button", { name: `Grant Requestor in ${team.department.name}` }).click();
  await expect(page.getByRole("button", { name: `Revoke Requestor in ${team.department.name}` })).toBeVisible();

  // The list shows them too.
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Employees" }).click();
  await page.getByLabel("Search").fill(code);
  await expect(page.getByRole("link", { name })).toBeVisible();

  // The employee signs in (another browser) and sees the app with the assignee's screens.
  const theirs = await browser.newContext();
  try {
    const their = await theirs.newPage();
    await their.goto("/sign-in");
    await their.getByLabel("Employee code").fill(code);
    await their.getByLabel("Password").fill(password);
    await their.getByRole("button", { name: "Sign in" }).click();
    await expect(their).toHaveURL(/\/tickets$/);
    await expect(their.getByRole("heading", { level: 1, name: "My tickets" })).toBeVisible();
    await expectSignedIn(their, name);
    const nav = their.getByRole("navigation", { name: "Main" });
    await expect(nav.getByRole("link", { name: "My work" })).toBeVisible();
    await expect(nav.getByRole("link", { name: "Admin" })).toHaveCount(0);
    await expect(nav.getByRole("link", { name: "Queue" })).toHaveCount(0);
  } finally {
    await theirs.close();
  }
});
