import { test, expect, hydrated } from "./fixtures";
import type { Page } from "./fixtures";

// The vehicle table is the real one (loaded from data/vehicles.csv.gz at start).

async function pickCivic(page: Page, next: (page: Page) => Promise<void>) {
  await page.getByLabel("Year").selectOption("2014");
  await next(page);
  await page.getByLabel("Make").selectOption({ label: "Honda" });
  await next(page);
  await page.getByLabel("Model").selectOption({ label: "Civic" });
  await next(page);
}

test.describe("vehicle picker with JavaScript", () => {
  test("year, make, model and engine move on by themselves; the header keeps the vehicle", async ({ page }) => {
    await page.goto("/catalogue");
    await hydrated(page);
    await page.getByTestId("add-vehicle").click();
    await expect(page).toHaveURL(/\/vehicle\?next=/);
    await expect(page.getByRole("heading", { name: "Which vehicle is it for?" })).toBeVisible();
    await hydrated(page);
    await expect(page.getByRole("button", { name: "Next" })).toBeHidden();
    await pickCivic(page, async (p) => {
      await p.waitForLoadState("networkidle");
    });
    await expect(page).toHaveURL(/year=2014/);
    await expect(page).toHaveURL(/model=\d+/);
    await page.getByLabel(/1\.8 L, 4 cylinders \(R18Z1\)/).check();
    await page.getByTestId("use-vehicle").click();
    // Back where the customer came from, with the vehicle in the header.
    await expect(page).toHaveURL(/\/catalogue$/);
    await expect(page.getByTestId("active-vehicle")).toContainText("2014 Honda Civic 1.8 L");
    await page.reload();
    await expect(page.getByTestId("active-vehicle")).toContainText("2014 Honda Civic 1.8 L");

    // Forget it again.
    await page.getByTestId("active-vehicle").click();
    await hydrated(page);
    await expect(page.getByTestId("current-vehicle")).toContainText("2014 Honda Civic 1.8 L");
    await page.getByRole("button", { name: "Forget this vehicle" }).click();
    await expect(page.getByTestId("add-vehicle")).toBeVisible();
  });
});

test.describe("vehicle picker without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("each step is a plain form; choosing sets the vehicle", async ({ page }) => {
    await page.goto("/vehicle?next=%2Fcatalogue%3Fq%3Ddisc");
    await pickCivic(page, async (p) => {
      await p.getByRole("button", { name: "Next" }).click();
    });
    await expect(page.getByLabel("Not sure")).toBeChecked();
    await page.getByTestId("use-vehicle").click();
    await expect(page).toHaveURL(/\/catalogue\?q=disc$/);
    await expect(page.getByTestId("active-vehicle")).toContainText("2014 Honda Civic");
  });
});
