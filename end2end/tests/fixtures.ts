import { test as base, expect, Page } from "@playwright/test";
export type { Page };

// Every test fails if the browser console shows an error or a warning (hydration problems
// show up there) or a page script throws.
//
// Two kinds of message are expected and let through: Chromium's note that a request got a 4xx
// answer (refusals such as a wrong password are 4xx by design; a 5xx still fails the test),
// and, with JavaScript off, its note that the preloaded wasm went unused.
export const test = base.extend<{ consoleProblems: string[] }>({
  consoleProblems: [
    async ({ page, javaScriptEnabled }, use) => {
      const problems: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() !== "error" && msg.type() !== "warning") return;
        const text = msg.text();
        if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
        if (!javaScriptEnabled && text.includes("was preloaded using link preload but not used")) return;
        problems.push(`${msg.type()}: ${text} (${page.url()})`);
      });
      page.on("pageerror", (err) => problems.push(`pageerror: ${err.message} (${page.url()})`));
      await use(problems);
      expect(problems, "browser console must stay clean").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Waits until the wasm app has hydrated the page (set by `hydrate()` in src/lib.rs). */
export async function hydrated(page: Page) {
  await page.waitForSelector("body[data-hydrated]", { timeout: 30_000 });
}

/** A name no other test run has used. */
export function unique(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

export const DEMO_PASSWORD = "partwatch-demo";

/** The header's "Log in" link (the login page has one of its own). */
export function headerLogin(page: Page) {
  return page.getByRole("navigation", { name: "Your account" }).getByRole("link", { name: "Log in" });
}

/** Fills and sends the registration form (the page must be /register). */
export async function fillRegistration(
  page: Page,
  account: { name: string; email?: string; password: string; supplier?: boolean },
) {
  await page.getByLabel("Username").fill(account.name);
  await page.getByLabel("Email").fill(account.email ?? `${account.name}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByLabel("Repeat password").fill(account.password);
  if (account.supplier) await page.getByText("Sell parts").click();
  await page.getByRole("button", { name: "Create account" }).click();
}
