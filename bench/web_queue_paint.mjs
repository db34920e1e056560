// Times the web application in headless Chromium against a running gateway (used by
// web_bench.py): the moderator's queue from navigation to its first row painted, against two
// references of the same run: the sign-in page's first contentful paint and the queue's own API
// call made from the page. Prints one JSON line.
//
//   node bench/web_queue_paint.mjs BASE_URL CODE PASSWORD RUNS
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(fileURLToPath(new URL("../frontend-service/package.json", import.meta.url)));
const { chromium } = require("playwright-core");

const [base, code, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const browser = await chromium.launch({
  executablePath: process.env.HDMS_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const queuePaint = [];
const signInPaint = [];
const apiList = [];
try {
  for (let run = 0; run < runs + 1; run += 1) {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Employee code").waitFor();
    const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);
    const login = await context.request.post("/api/auth/login-hdms", {
      data: { employee_code: code, password },
      headers: { "X-HDMS-Session": "cookie" },
    });
    if (!login.ok()) throw new Error(`login failed: ${login.status()}`);
    const { access } = await login.json();
    await page.goto("/queue");
    await page.locator("table tbody tr").first().waitFor({ state: "visible", timeout: 15_000 });
    // The row is in the DOM and visible; the next frame is when it is on screen.
    const painted = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
    const api = await page.evaluate(async (token) => {
      const started = performance.now();
      const response = await fetch("/api/tickets/?limit=20", { headers: { Authorization: `Bearer ${token}` } });
      await response.json();
      return performance.now() - started;
    }, access);
    if (run > 0) {
      // The first run warms the browser's and the services' caches; it is not counted.
      queuePaint.push(painted);
      signInPaint.push(fcp);
      apiList.push(api);
    }
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify({ runs, queuePaint, signInPaint, apiList, median: { queuePaint: median(queuePaint), signInPaint: median(signInPaint), apiList: median(apiList) } }));
