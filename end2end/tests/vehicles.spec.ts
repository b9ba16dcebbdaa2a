import { test, expect, hydrated } from "./fixtures";
import type { Page } from "./fixtures";

// The vehicle table is the real one (loaded from data/vehicles.csv.gz at start).

async function pickCivic(page: Page, next: (page: Page) => Promise<void>) {
  await page.getByLabel("Year", { exact: true }).selectOption("2014");
  await next(page);
  await page.getByLabel("Make", { exact: true }).selectOption({ label: "Honda" });
  await next(page);
  await page.getByLabel("Model", { exact: true }).selectOption({ label: "Civic" });
  await next(page);
}

test.describe("vehicle picker with JavaScript", () => {
  test("the header's quick picker: year, make (typed), model, engine, without leaving the page", async ({ page }) => {
    await page.goto("/catalogue?q=disc");
    await hydrated(page);
    await page.getByTestId("add-vehicle").click();
    const quick = page.getByTestId("quick-picker");
    await expect(quick).toBeVisible();
    await expect(page.getByTestId("add-vehicle")).toHaveAttribute("aria-expanded", "true");
    // Only what exists: no makes before a year, no models before a make.
    await expect(quick.locator("#quick-make")).toBeDisabled();
    await quick.getByLabel("Year", { exact: true }).selectOption("2014");
    await expect(quick.locator("#quick-make")).toBeEnabled();
    await expect(quick.locator("#quick-model")).toBeDisabled();
    await quick.locator("#quick-make-filter").pressSequentially("hond");
    await expect(quick.locator("#quick-make option:checked")).toHaveText("Honda");
    await expect(quick.locator("#quick-model")).toBeEnabled();
    await quick.getByLabel("Model", { exact: true }).selectOption({ label: "Civic" });
    await expect(quick.locator("#quick-engine")).toBeEnabled();
    await quick.getByLabel("Engine", { exact: true }).selectOption({ label: "1.8 L, 4 cylinders (R18Z1)" });
    await quick.getByTestId("quick-use").click();
    // Still on the same page, now answered for the vehicle.
    await expect(page.getByTestId("active-vehicle")).toContainText("2014 Honda Civic 1.8 L");
    await expect(quick).toBeHidden();
    await expect(page).toHaveURL(/\/catalogue\?q=disc$/);
    await expect(page.getByTestId("fit-bar")).toContainText("2014 Honda Civic 1.8 L");
    // The link to the full page is in the panel, which closes with its button.
    await page.getByTestId("active-vehicle").click();
    await expect(quick).toBeVisible();
    await expect(quick.getByRole("link", { name: /Enter a VIN/ })).toHaveAttribute("href", /^\/vehicle\?next=/);
    await quick.getByRole("button", { name: "Close" }).click();
    await expect(quick).toBeHidden();
  });

  test("year, make, model and engine move on by themselves on /vehicle; the header keeps the vehicle", async ({ page }) => {
    await page.goto("/vehicle?next=%2Fcatalogue");
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
    await page.goto("/vehicle");
    await hydrated(page);
    await expect(page.getByTestId("current-vehicle")).toContainText("2014 Honda Civic 1.8 L");
    await page.getByRole("button", { name: "Forget this vehicle" }).click();
    await expect(page.getByTestId("add-vehicle")).toBeVisible();
  });

  test("typing narrows the makes and models; a single match is chosen", async ({ page }) => {
    await page.goto("/vehicle?year=2014");
    await hydrated(page);
    const makes = page.locator("#vehicle-make option:not([hidden])");
    const all = await makes.count();
    expect(all).toBeGreaterThan(20);
    const makeFilter = page.locator("#vehicle-make-filter");
    await makeFilter.pressSequentially("o");
    await expect.poll(() => makes.count()).toBeLessThan(all);
    for (const text of await makes.allTextContents()) {
      if (text !== "Choose the make") expect(text.toLowerCase()).toContain("o");
    }
    await makeFilter.fill("");
    await makeFilter.pressSequentially("hond");
    await expect(page).toHaveURL(/make=\d+/);
    await expect(page.getByLabel("Make", { exact: true })).toHaveValue(/\d+/);
    await expect(page.locator("#vehicle-make option:checked")).toHaveText("Honda");
    await hydrated(page);
    await page.locator("#vehicle-model-filter").pressSequentially("civi");
    await expect(page).toHaveURL(/model=\d+/);
    await expect(page.locator("#vehicle-model option:checked")).toHaveText("Civic");
    await expect(page.getByTestId("vehicle-engine-form")).toBeVisible();
  });
});

async function typeVehicle(page: Page, year: string, make: string, model: string) {
  const form = page.getByTestId("typed-form");
  await form.getByLabel("Model year").fill(year);
  await form.getByLabel("Maker").fill(make);
  await form.getByLabel("Model name").fill(model);
  await page.getByTestId("use-typed").click();
}

test.describe("a vehicle the list does not have, with JavaScript", () => {
  test("is typed in: a wrong year is said beside the form; the catalogue says it cannot narrow", async ({ page }) => {
    await page.goto("/vehicle?next=%2Fcatalogue");
    await hydrated(page);
    await typeVehicle(page, "1700", "Škoda", "Octavia");
    await expect(page.locator("#typed-error")).toHaveText(/Enter the model year as four digits, 1886 to \d{4}\./);
    await expect(page).toHaveURL(/\/vehicle\?next=/);
    await typeVehicle(page, "2009", "Škoda", "Octavia RS");
    await expect(page).toHaveURL(/\/catalogue$/);
    await expect(page.getByTestId("active-vehicle")).toContainText("2009 Škoda Octavia RS");
    await expect(page.getByTestId("fit-bar")).toContainText("is not in our vehicle list, so we cannot narrow the parts to it");
    await expect(page.getByTestId("fit-switch")).toHaveCount(0);
    // Every card answers, and none says "fits" unless it fits every vehicle.
    const answers = page.getByTestId("card-fit");
    await expect(answers.first()).toBeVisible();
    for (const text of await answers.allTextContents()) {
      expect(text).not.toMatch(/Fits your|Does not fit/);
    }
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
    // Nothing to type into without JavaScript: the select's own type-ahead is there.
    await page.goto("/vehicle?year=2014");
    await expect(page.locator("#vehicle-make-filter")).toBeHidden();
  });

  test("a vehicle the list does not have is a plain form too; a refusal says why above the page", async ({ page }) => {
    await page.goto("/vehicle?next=%2Fcatalogue");
    await typeVehicle(page, "2009", "<b>", "Octavia");
    await expect(page.getByRole("alert").first()).toContainText("Could not use this vehicle: The make may hold letters");
    await page.goto("/vehicle?next=%2Fcatalogue");
    await typeVehicle(page, "2009", "Škoda", "Octavia RS");
    await expect(page).toHaveURL(/\/catalogue$/);
    await expect(page.getByTestId("active-vehicle")).toContainText("2009 Škoda Octavia RS");
    await expect(page.getByTestId("fit-bar")).toContainText("is not in our vehicle list");
  });
});
