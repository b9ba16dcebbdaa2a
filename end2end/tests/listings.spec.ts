import { test, expect, hydrated, unique, DEMO_PASSWORD, Page } from "./fixtures";

// A valid 1×1 PNG: enough for the server to decode, resize and re-encode.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

async function logIn(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("user-role")).toHaveText("Supplier");
}

async function fillListing(page: Page, name: string, price: string) {
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Manufacturer").fill("Hella");
  await page.getByLabel("Model or part number").fill("HL-4242");
  await page.getByLabel("Description").fill("Fog lamp, left, with bulb holder.\n\nE-marked.");
  await page.getByLabel("Price (€)").fill(price);
  await page.getByLabel("In stock").fill("9");
  await page.getByLabel("Delivery time").selectOption("3-5_days");
}

test("a supplier lists a part with a photo, edits the price inline and archives it", async ({ page }) => {
  const name = unique("Fog lamp ");
  await logIn(page, "electric@partwatch.example");
  await page.goto("/listings/new");
  await hydrated(page);
  await fillListing(page, name, "45.00");
  await page.locator("#field-image").setInputFiles({ name: "lamp.png", mimeType: "image/png", buffer: PNG });
  await expect(page.getByTestId("image-preview")).toBeVisible();
  await page.getByRole("button", { name: "Publish listing" }).click();
  await expect(page).toHaveURL(/\/listings\?saved=\d+/);
  await expect(page.getByText("Your listing has been saved.")).toBeVisible();

  // It is in the catalogue, with its photo.
  await page.goto(`/catalogue?q=${encodeURIComponent(name)}`);
  await expect(page.getByTestId("result-count")).toHaveText("1 part");
  await expect(page.locator(".part-card-price")).toHaveText("€45.00");
  const src = await page.locator(".part-card-img").getAttribute("src");
  expect(src).toMatch(/^\/uploads\/[a-z0-9]{32}-thumb\.jpg$/);

  // Inline price edit, without a reload.
  await page.goto(`/listings?q=${encodeURIComponent(name)}`);
  await hydrated(page);
  await page.evaluate(() => ((window as any).__stillHere = true));
  const price = page.getByTestId("inline-price");
  await price.fill("52,5");
  await price.press("Tab");
  await expect(page.getByText("Saved ✓")).toBeVisible();
  await expect(price).toHaveValue("52.50");
  // A bad value explains itself and the saved value comes back.
  await price.fill("cheap");
  await price.press("Tab");
  await expect(page.getByRole("alert").filter({ hasText: "Enter an amount in euros" })).toBeVisible();
  await expect(price).toHaveValue("52.50");
  // Low stock stands out.
  const stock = page.getByTestId("inline-stock");
  await stock.fill("2");
  await stock.press("Tab");
  await expect(page.locator(".listing-row.low-stock")).toHaveCount(1);
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);

  await page.goto(`/catalogue?q=${encodeURIComponent(name)}`);
  await expect(page.locator(".part-card-price")).toHaveText("€52.50");

  // Archive (confirmed), and it leaves the catalogue; restore brings it back.
  await page.goto(`/listings?q=${encodeURIComponent(name)}`);
  await hydrated(page);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Archive" }).click();
  await expect(page.getByText("No listings here yet")).toBeVisible();
  await page.goto(`/catalogue?q=${encodeURIComponent(name)}`);
  await expect(page.getByTestId("no-results")).toBeVisible();
  await page.goto(`/listings?status=archived&q=${encodeURIComponent(name)}`);
  await hydrated(page);
  await page.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByText("No archived listings")).toBeVisible();
  await page.goto(`/catalogue?q=${encodeURIComponent(name)}`);
  await expect(page.getByTestId("result-count")).toHaveText("1 part");
});

test("a refused photo is explained and the form keeps what was typed", async ({ page }) => {
  await logIn(page, "filters@partwatch.example");
  await page.goto("/listings/new");
  await hydrated(page);
  const name = unique("Wiper ");
  await fillListing(page, name, "12.00");
  await page.locator("#field-image").setInputFiles({
    name: "not-a-photo.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from("plain text pretending to be a photo"),
  });
  await page.getByRole("button", { name: "Publish listing" }).click();
  await expect(page.getByText("This file is not a JPEG, PNG, WebP or GIF image.")).toBeVisible();
  await expect(page.getByLabel("Name")).toHaveValue(name);
  await expect(page.getByLabel("Price (€)")).toHaveValue("12.00");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a listing is created with a plain multipart form post", async ({ page }) => {
    await logIn(page, "brakes@partwatch.example");
    await page.goto("/listings/new");
    const name = unique("Brake hose ");
    await fillListing(page, name, "0");
    await page.getByRole("button", { name: "Publish listing" }).click();
    await expect(page.getByText("The price must be at least €0.01.")).toBeVisible();
    await expect(page.getByLabel("Name")).toHaveValue(name);

    await page.getByLabel("Price (€)").fill("19.90");
    await page.locator("#field-image").setInputFiles({ name: "hose.png", mimeType: "image/png", buffer: PNG });
    await page.getByRole("button", { name: "Publish listing" }).click();
    await expect(page).toHaveURL(/\/listings\?saved=\d+/);
    await page.goto(`/catalogue?q=${encodeURIComponent(name)}`);
    await expect(page.getByTestId("result-count")).toHaveText("1 part");
  });
});
