import { test, expect, hydrated } from "./fixtures";

test("home shows the newest parts with pictures and how it works", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("The right part");
  const cards = page.locator(".part-card");
  await expect(cards).toHaveCount(8);
  // Every picture loads.
  const broken = await page.$$eval("img.part-card-img", (imgs) =>
    (imgs as HTMLImageElement[]).filter((i) => !i.complete || i.naturalWidth === 0).length,
  );
  expect(broken).toBe(0);
  await expect(page.getByRole("heading", { name: "How PartWatch works" })).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveText("0");
});

test("static pages are reachable from the footer", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  for (const [link, heading] of [
    ["FAQ", "Frequently asked questions"],
    ["Terms", "Terms of use"],
    ["Privacy", "Privacy notice"],
    ["Imprint", "Imprint"],
  ]) {
    await page.locator("footer").getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
  }
});

test("an unknown address gets the 404 page with status 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "We could not find that page" })).toBeVisible();
  await hydrated(page);
});

test("an unknown or malformed part id gets the 404 page", async ({ page }) => {
  for (const path of ["/parts/999999", "/parts/abc"]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "We could not find that page" })).toBeVisible();
  }
});
