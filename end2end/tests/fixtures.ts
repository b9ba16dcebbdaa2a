import { test as base, expect, Page } from "@playwright/test";

// Every test fails if the browser console shows an error or a warning (hydration problems
// show up there) or a page script throws.
export const test = base.extend<{ consoleProblems: string[] }>({
  consoleProblems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" || msg.type() === "warning") {
          problems.push(`${msg.type()}: ${msg.text()} (${page.url()})`);
        }
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
