/**
 * Fixtures of the browser tests: each worker gets a department of its own and five people in
 * it, created through the API as the admin (Cal.com's `users.create`), and signs people in
 * through the API (`apiLogin`): the refresh cookie lands in the browser context and the app
 * restores the session from it on load.
 */
import { randomBytes } from "node:crypto";

import { test as base, expect, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";

import { HdmsApi, type Ticket } from "./api";

export { expect };

export type Role = "requestor" | "moderator" | "assignee" | "admin";

export type TestUser = {
  id: string;
  code: string;
  name: string;
  password: string;
  roles: Role[];
};

export type Team = {
  department: { id: string; code: string; name: string };
  requestor: TestUser;
  moderator: TestUser;
  assignee: TestUser;
  /** Holds only the requestor role: named as an approver of approval rounds. */
  approver: TestUser;
  admin: TestUser;
};

export const ADMIN_CODE = process.env.HDMS_ADMIN_CODE ?? "ADM001";
export const ADMIN_PASSWORD = process.env.HDMS_ADMIN_PASSWORD ?? "demo-admin-pass";

/** Unique per run and worker, and valid as a department code and an employee code. */
function uniqueTag(workerIndex: number): string {
  return `${Date.now().toString(36)}${randomBytes(2).toString("hex")}W${workerIndex}`.toUpperCase();
}

async function createTeam(adminApi: HdmsApi, admin: TestUser, workerIndex: number): Promise<Team> {
  const tag = uniqueTag(workerIndex);
  const department = await adminApi.createDepartment({ code: `E2E-${tag}`, name: `Browser tests ${tag}` });
  const password = `e2e-${randomBytes(9).toString("base64url")}`;
  const person = async (slug: string, name: string, roles: Role[]): Promise<TestUser> => {
    const code = `e2e-${tag}-${slug}`.toLowerCase();
    const employee = await adminApi.createEmployee({ employee_code: code, name: `${name} ${tag}`, password, department_id: department.id });
    await adminApi.grantAccess(employee.id, roles, [department.id]);
    return { id: employee.id, code, name: `${name} ${tag}`, password, roles };
  };
  return {
    department: { id: department.id, code: department.code, name: department.name },
    requestor: await person("req", "Rae Requestor", ["requestor"]),
    moderator: await person("mod", "Mo Moderator", ["requestor", "moderator"]),
    assignee: await person("asg", "Ash Assignee", ["requestor", "assignee"]),
    approver: await person("apr", "Avery Approver", ["requestor"]),
    admin,
  };
}

/**
 * Signs `user` in for every page of `context`: logs in through the API (the response sets the
 * httpOnly refresh cookie in the context), so the next page load restores the session.
 */
export async function apiLogin(context: BrowserContext, user: Pick<TestUser, "code" | "password">): Promise<void> {
  const response = await context.request.post("/api/auth/login-hdms", {
    data: { employee_code: user.code, password: user.password },
    headers: { "X-HDMS-Session": "cookie" },
  });
  expect(response.status(), `login of ${user.code}: ${await response.text()}`).toBe(200);
  const cookies = await context.cookies();
  expect(
    cookies.some((cookie) => cookie.name === "hdms_refresh"),
    "login-hdms set no hdms_refresh cookie: the session cannot be restored on load",
  ).toBe(true);
}

/** A new browser context signed in as `user` and its first page, opened at `path`. */
export async function signedInPage(
  browser: import("@playwright/test").Browser,
  user: TestUser,
  path = "/tickets",
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  await apiLogin(context, user);
  const page = await context.newPage();
  await page.goto(path);
  return { context, page };
}

type WorkerFixtures = {
  /** The admin's API client (token from the admin's own login), for setup through the API. */
  adminApi: HdmsApi;
  team: Team;
};

type TestFixtures = {
  /** API clients per person of the team, logged in on first use. */
  apiAs: (user: TestUser) => Promise<HdmsApi>;
};

export const test = base.extend<TestFixtures, WorkerFixtures>({
  adminApi: [
    async ({ playwright }, provide, workerInfo) => {
      const request: APIRequestContext = await playwright.request.newContext({ baseURL: workerInfo.project.use.baseURL });
      const api = await HdmsApi.login(request, ADMIN_CODE, ADMIN_PASSWORD);
      await provide(api);
      await request.dispose();
    },
    { scope: "worker" },
  ],
  team: [
    async ({ adminApi }, provide, workerInfo) => {
      const me = await adminApi.me();
      const admin: TestUser = { id: me.id, code: ADMIN_CODE, name: me.name, password: ADMIN_PASSWORD, roles: ["admin"] };
      await provide(await createTeam(adminApi, admin, workerInfo.workerIndex));
    },
    { scope: "worker" },
  ],
  apiAs: async ({ playwright, baseURL }, provide) => {
    const opened: APIRequestContext[] = [];
    const clients = new Map<string, HdmsApi>();
    await provide(async (user) => {
      const known = clients.get(user.code);
      if (known) return known;
      const request = await playwright.request.newContext({ baseURL });
      opened.push(request);
      const api = await HdmsApi.login(request, user.code, user.password);
      clients.set(user.code, api);
      return api;
    });
    await Promise.all(opened.map((request) => request.dispose()));
  },
});

/** A ticket from the team's requestor to the team's department, through the API. */
export async function createTicketViaApi(
  apiAs: (user: TestUser) => Promise<HdmsApi>,
  team: Team,
  fields: Partial<{ title: string; description: string; priority: string; category: string }> = {},
): Promise<Ticket> {
  const api = await apiAs(team.requestor);
  return api.createTicket({
    title: fields.title ?? `Browser test ticket ${randomBytes(3).toString("hex")}`,
    description: fields.description ?? "Opened through the API by the browser tests.",
    priority: fields.priority ?? "medium",
    department_id: team.department.id,
    ...(fields.category ? { category: fields.category } : {}),
  });
}

/** A ticket of the team assigned to its assignee (and, with `acknowledged`, in progress). */
export async function createAssignedTicketViaApi(
  apiAs: (user: TestUser) => Promise<HdmsApi>,
  team: Team,
  options: { acknowledged?: boolean; title?: string } = {},
): Promise<Ticket> {
  const ticket = await createTicketViaApi(apiAs, team, { title: options.title });
  // Set-up, so assigned by the admin; journey.spec.ts assigns through the moderator's screens.
  const admin = await apiAs(team.admin);
  let current = await admin.transition(ticket.id, "assign", { assignee_id: team.assignee.id, version: ticket.version });
  if (options.acknowledged) {
    const assignee = await apiAs(team.assignee);
    current = await assignee.transition(ticket.id, "acknowledge", { version: current.version });
  }
  return current;
}
