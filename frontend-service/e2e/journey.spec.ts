/**
 * The whole journey of one ticket, each person in a browser of their own, as they would live
 * it: the requestor opens a ticket with a picture, the moderator (queue already open) sees it
 * arrive and assigns it, the assignee acknowledges, requestor and assignee chat (one of them
 * offline for a while), an approver approves, the assignee resolves, the requestor closes, and
 * the history tells every step. The steps depend on each other: they run in order, and a
 * failed step skips the rest.
 */
import type { BrowserContext, Locator, Page } from "@playwright/test";

import { apiLogin, expect, test, type TestUser } from "./fixtures";
import { saveScreenshot, ticketIdOf } from "./helpers";

test.describe.configure({ mode: "serial", timeout: 120_000 });

type Person = { context: BrowserContext; page: Page; user: TestUser };

const TITLE = `Projector flickers in room ${Math.floor(Math.random() * 900 + 100)}`;
const PICTURE = "projector.png";

let requestor: Person;
let moderator: Person;
let assignee: Person;
let approver: Person;
let ticketUrl = "";

async function person(browser: import("@playwright/test").Browser, user: TestUser, path: string): Promise<Person> {
  const context = await browser.newContext();
  await apiLogin(context, user);
  const page = await context.newPage();
  await page.goto(path);
  return { context, page, user };
}

/** The chat of a ticket page: its message log and its composer. */
function chat(page: Page) {
  const panel = page.getByRole("complementary", { name: "Ticket chat" });
  return {
    panel,
    log: panel.getByRole("log", { name: "Chat messages" }),
    input: panel.getByRole("textbox", { name: "Message" }),
    send: panel.getByRole("button", { name: "Send" }),
  };
}

async function sendMessage(page: Page, body: string): Promise<void> {
  const { input, send } = chat(page);
  await input.fill(body);
  await send.click();
  await expect(input).toHaveValue("");
}

/** Each message exactly once, and nothing left waiting to be sent. */
async function expectEachMessageOnce(log: Locator, bodies: string[]): Promise<void> {
  for (const body of bodies) {
    await expect(log.getByRole("listitem").filter({ hasText: body }), `"${body}" shown exactly once`).toHaveCount(1);
  }
  await expect(log.getByText(/Waiting to send|Sending…|will be sent when|Not sent/i)).toHaveCount(0);
}

/** The dialog closes after its submit; if it does not, what it says (an error) is the failure. */
async function expectDialogClosed(dialog: Locator): Promise<void> {
  try {
    await expect(dialog).toBeHidden();
  } catch {
    const text = (await dialog.innerText().catch(() => "")).replace(/\s+/g, " ");
    throw new Error(`the dialog stayed open: ${text}`);
  }
}

/** The option of `select` whose text contains `text` (names come with their employee code). */
async function selectOptionContaining(select: Locator, text: string): Promise<void> {
  const option = select.locator("option", { hasText: text });
  await expect(option).toHaveCount(1);
  await select.selectOption((await option.getAttribute("value")) ?? "");
}

test.describe("a ticket's whole journey", () => {
  test.beforeAll(async ({ browser, team }) => {
    // The moderator's queue is open before the ticket exists: it must arrive without a reload.
    moderator = await person(browser, team.moderator, "/queue");
    requestor = await person(browser, team.requestor, "/tickets/new");
    assignee = await person(browser, team.assignee, "/tickets");
    approver = await person(browser, team.approver, "/tickets");
  });

  test.afterAll(async () => {
    await Promise.all([requestor, moderator, assignee, approver].filter(Boolean).map((p) => p.context.close()));
  });

  test("the requestor opens a ticket with a picture: upload progress, scan, WebP preview", { tag: "@smoke" }, async ({ team }) => {
    const page = requestor.page;
    await expect(moderator.page.getByRole("heading", { level: 1, name: "Queue" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1, name: "New ticket" })).toBeVisible();

    await page.getByLabel("Department").selectOption({ label: team.department.name });
    await page.getByLabel("Priority").selectOption({ label: "High" });
    await page.getByLabel("Title").fill(TITLE);
    await page.getByLabel("Description").fill("The projector flickers every few seconds during presentations.");

    // The upload is held back a moment, so that its progress can be seen.
    await page.route("**/api/files/upload/**", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    // Dropped on the drop zone, as a user drags a file from their desktop.
    const dropzone = page.locator("[data-slot=dropzone]");
    const dataTransfer = await page.evaluateHandle(async (name) => {
      const canvas = document.createElement("canvas");
      canvas.width = 320;
      canvas.height = 200;
      const ctx = canvas.getContext("2d");
      if (!ctx) throw new Error("no 2d context");
      ctx.fillStyle = "#1d4ed8";
      ctx.fillRect(0, 0, 320, 200);
      ctx.fillStyle = "#f59e0b";
      ctx.fillRect(40, 40, 240, 120);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b as Blob), "image/png"));
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], name, { type: "image/png" }));
      return transfer;
    }, PICTURE);
    await dropzone.dispatchEvent("drop", { dataTransfer });

    const uploads = page.getByRole("list", { name: "Files to attach" });
    await expect(uploads.getByRole("progressbar", { name: `Uploading ${PICTURE}` })).toBeVisible();
    await expect(uploads.getByText("Ready", { exact: true })).toBeVisible({ timeout: 60_000 });
    await page.unroute("**/api/files/upload/**");

    await page.getByRole("button", { name: "Open ticket" }).click();
    await expect(page).toHaveURL(/\/tickets\/view\?id=/);
    ticketUrl = new URL(page.url()).pathname + new URL(page.url()).search;
    await expect(page.getByRole("heading", { level: 1, name: TITLE })).toBeVisible();

    // The picture is shown from its WebP variant.
    const attachments = page.getByRole("region", { name: "Attachments" });
    const preview = attachments.getByRole("img", { name: PICTURE });
    const webp = page.waitForResponse((r) => r.url().includes("/download/") && r.url().includes("variant=webp") && r.status() === 200, { timeout: 60_000 });
    await expect(preview).toBeVisible({ timeout: 60_000 });
    const response = await webp.catch(() => null);
    if (response) expect(response.headers()["content-type"]).toContain("image/webp");
    expect(await preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await saveScreenshot(page, "journey-ticket-created");
  });

  test("the ticket arrives in the moderator's open queue, who assigns it", { tag: "@smoke" }, async ({ team }) => {
    const page = moderator.page;
    // No reload: the queue was open all along.
    const row = page.getByRole("link", { name: TITLE });
    await expect(row.first()).toBeVisible({ timeout: 30_000 });
    await saveScreenshot(page, "journey-queue");
    await row.first().click();
    await expect(page.getByRole("heading", { level: 1, name: TITLE })).toBeVisible();
    expect(ticketIdOf(page)).toBe(new URLSearchParams(ticketUrl.split("?")[1]).get("id"));

    await page.getByRole("group", { name: "Ticket actions" }).getByRole("button", { name: "Assign", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Assign ticket" });
    await selectOptionContaining(dialog.getByLabel("Assignee", { exact: true }), team.assignee.name);
    await dialog.getByRole("button", { name: "Assign", exact: true }).click();
    await expectDialogClosed(dialog);
    await expect(page.getByText("Assigned", { exact: true }).first()).toBeVisible();
  });

  test("the assignee acknowledges the ticket", { tag: "@smoke" }, async () => {
    const page = assignee.page;
    await page.goto(ticketUrl);
    await expect(page.getByRole("heading", { level: 1, name: TITLE })).toBeVisible();
    await page.getByRole("group", { name: "Ticket actions" }).getByRole("button", { name: "Acknowledge" }).click();
    await expect(page.getByText("In progress", { exact: true }).first()).toBeVisible();
    await expect(page.getByRole("group", { name: "Ticket actions" }).getByRole("button", { name: "Acknowledge" })).toHaveCount(0);
  });

  test("requestor and assignee chat; messages sent while one is offline arrive once each", async () => {
    const theirs = chat(requestor.page);
    const mine = chat(assignee.page);
    await expect(requestor.page.getByRole("heading", { level: 1, name: TITLE })).toBeVisible();
    await expect(theirs.input).toBeEnabled();
    await expect(mine.input).toBeEnabled();

    await sendMessage(requestor.page, "Hello, it started this morning.");
    await sendMessage(assignee.page, "Thanks, I am on my way.");
    await expectEachMessageOnce(theirs.log, ["Hello, it started this morning.", "Thanks, I am on my way."]);
    await expectEachMessageOnce(mine.log, ["Hello, it started this morning.", "Thanks, I am on my way."]);

    // The requestor loses the network; the assignee keeps writing, and so does the requestor.
    await requestor.context.setOffline(true);
    await expect(requestor.page.getByText(/You are offline/)).toBeVisible();
    await sendMessage(assignee.page, "I replaced the cable.");
    await sendMessage(assignee.page, "Please try again now.");
    await sendMessage(requestor.page, "Written while offline.");
    await expect(theirs.log.getByText(/will be sent when/i)).toBeVisible();

    await requestor.context.setOffline(false);
    const all = [
      "Hello, it started this morning.",
      "Thanks, I am on my way.",
      "I replaced the cable.",
      "Please try again now.",
      "Written while offline.",
    ];
    await expectEachMessageOnce(theirs.log, all);
    await expectEachMessageOnce(mine.log, all);
    await saveScreenshot(requestor.page, "journey-chat");
  });

  test("the assignee requests an approval naming the approver, who approves it", async ({ team }) => {
    const page = assignee.page;
    await page.getByRole("group", { name: "Ticket actions" }).getByRole("button", { name: "Request approval" }).click();
    const dialog = page.getByRole("dialog", { name: "Request approval" });
    await dialog.getByLabel("Search approvers").fill(team.approver.code);
    await dialog.getByRole("checkbox", { name: team.approver.name }).check();
    await dialog.getByLabel("Note").fill("A new projector lamp costs 180 EUR.");
    await dialog.getByRole("button", { name: "Request approval" }).click();
    await expectDialogClosed(dialog);
    await expect(page.getByText("Waiting for approval", { exact: true }).first()).toBeVisible();

    const their = approver.page;
    await their.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
    await expect(their.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
    const request = their.getByRole("listitem").filter({ has: their.getByRole("link", { name: TITLE }) });
    await expect(request).toBeVisible();
    await saveScreenshot(their, "journey-approvals");
    await request.getByRole("button", { name: "Approve" }).click();
    const decision = their.getByRole("dialog");
    await decision.getByLabel("Comment (optional)").fill("Approved, go ahead.");
    await decision.getByRole("button", { name: "Approve" }).click();
    await expectDialogClosed(decision);
    await expect(their.getByRole("link", { name: TITLE })).toHaveCount(0);

    // The assignee's page follows: the ticket is back in progress.
    await expect(page.getByText("In progress", { exact: true }).first()).toBeVisible({ timeout: 30_000 });
  });

  test("the assignee resolves with a note; the requestor closes", async () => {
    const page = assignee.page;
    await page.getByRole("group", { name: "Ticket actions" }).getByRole("button", { name: "Resolve" }).click();
    const dialog = page.getByRole("dialog", { name: "Resolve ticket" });
    await dialog.getByLabel("Resolution note").fill("Replaced the lamp and the HDMI cable.");
    await dialog.getByRole("button", { name: "Resolve" }).click();
    await expectDialogClosed(dialog);
    await expect(page.getByText("Resolved", { exact: true }).first()).toBeVisible();

    const their = requestor.page;
    await expect(their.getByText("Replaced the lamp and the HDMI cable.", { exact: true })).toBeVisible({ timeout: 30_000 });
    await their.getByRole("group", { name: "Ticket actions" }).getByRole("button", { name: "Close ticket" }).click();
    const confirm = their.getByRole("dialog", { name: "Close ticket" });
    await confirm.getByRole("button", { name: "Close ticket" }).click();
    await expectDialogClosed(confirm);
    await expect(their.getByText("Closed", { exact: true }).first()).toBeVisible();
  });

  test("the history shows every step", async ({ team }) => {
    const page = requestor.page;
    await page.reload();
    const history = page.getByRole("list", { name: "Ticket history" });
    await expect(history).toBeVisible();
    const steps: Array<[string, RegExp]> = [
      [team.requestor.name, /created the ticket/],
      [team.moderator.name, /assigned the ticket/],
      [team.assignee.name, /acknowledged the ticket/],
      [team.assignee.name, /requested approval/],
      [team.approver.name, /decided on an approval|completed the approval round/],
      [team.assignee.name, /resolved the ticket/],
      [team.requestor.name, /closed the ticket/],
    ];
    for (const [who, what] of steps) {
      await expect(history.getByRole("listitem").filter({ hasText: who }).filter({ hasText: what }).first(), `${who} ${what}`).toBeVisible();
    }
    await saveScreenshot(page, "journey-history");
  });
});
