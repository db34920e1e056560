import { defineConfig, devices } from "@playwright/test";

/**
 * Browser tests of the web application against a running HDMS: `make run`'s embedded server,
 * the stack's nginx, or a development server proxying to either. HDMS_BASE_URL says where;
 * the API and the sockets are on the same origin as the pages.
 *
 * Chromium is Debian's (/usr/bin/chromium, or $HDMS_CHROMIUM): Playwright never downloads a
 * browser here (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
 *
 *   HDMS_BASE_URL=http://127.0.0.1:8080 npx playwright test
 *   HDMS_BASE_URL=... npx playwright test --grep @smoke
 */
const baseURL = process.env.HDMS_BASE_URL ?? "http://127.0.0.1:8080";
const workers = Number(process.env.HDMS_E2E_WORKERS ?? "2");

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  // Files run side by side (each worker has its own department and users); the tests of one
  // file run in order.
  fullyParallel: false,
  workers,
  // A failure is a failure: no retry hides a flaky screen.
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 90_000,
  globalTimeout: 20 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: "off",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    locale: "en-GB",
    timezoneId: "UTC",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.HDMS_CHROMIUM ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
});
