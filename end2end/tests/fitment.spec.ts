import { test, expect, hydrated, unique, DEMO_PASSWORD, Page } from "./fixtures";

// The vehicle table is the real one (loaded from data/vehicles.csv.gz at start).

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);

/** A new listing of the demo supplier "electric"; returns its id. */
async function newListing(page: Page, name: string): Promise<string> {
  await page.goto("/login");
  await page.getByLabel("Email").fill("electric@partwatch.example");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("user-role")).toHaveText("Supplier");
  await page.goto("/listings/new");
  await hydrated(page);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Manufacturer").fill("Bosch");
  await page.getByLabel("Model or part number").fill("0 986 494 104");
  await page.getByLabel("Description").fill("Brake pad set, front axle.");
  await page.getByLabel("Price (€)").fill("39.90");
  await page.getByLabel("In stock").fill("12");
  await page.getByLabel("Delivery time").selectOption("1-2_days");
  await page.locator("#field-image").setInputFiles({ name: "pads.png", mimeType: "image/png", buffer: PNG });
  await page.getByRole("button", { name: "Publish listing" }).click();
  await expect(page).toHaveURL(/\/listings\?saved=(\d+)/);
  return new URL(page.url()).searchParams.get("saved")!;
}

test("a supplier adds fitment; a customer sees the answer, picks the engine and sees why it fits", async ({ page, browser }) => {
  const name = unique("Brake pads ");
  const id = await newListing(page, name);

  // The editor: choosing the make shows its models; an impossible range explains itself.
  await page.goto(`/listings/${id}/fitment`);
  await hydrated(page);
  await expect(page.getByTestId("fitment-empty")).toBeVisible();
  await page.getByLabel("Make").selectOption({ label: "Honda" });
  await expect(page).toHaveURL(/make=\d+/);
  await page.getByLabel("Model", { exact: true }).selectOption({ label: "Civic" });
  await page.getByLabel("First model year").fill("2015");
  await page.getByLabel("Last model year").fill("2012");
  await page.getByRole("button", { name: "Add fitment" }).click();
  await expect(page.getByText("The last year (2012) is before the first (2015).")).toBeVisible();
  await page.getByLabel("First model year").fill("2012");
  await page.getByLabel("Last model year").fill("2015");
  await page.getByLabel("Engine size (litres)").fill("1.8");
  await page.getByLabel("Position").selectOption("front");
  await page.getByLabel("Per vehicle").fill("2");
  await page.getByRole("button", { name: "Add fitment" }).click();
  const rows = page.getByTestId("fitment-rows");
  await expect(rows).toContainText("Honda Civic");
  await expect(rows).toContainText("2012–2015");
  await expect(rows).toContainText("1.8 L");

  // A customer (a fresh browser) with a 2014 Civic, engine not known yet.
  const customer = await browser.newPage();
  await customer.goto(`/parts/${id}`);
  await hydrated(customer);
  await expect(customer.getByTestId("fit-answer")).toContainText("Choose your vehicle");
  await customer.getByTestId("fit-answer").getByRole("link", { name: "Choose your vehicle" }).click();
  await hydrated(customer);
  await customer.getByLabel("Year").selectOption("2014");
  await customer.waitForLoadState("networkidle");
  await customer.getByLabel("Make").selectOption({ label: "Honda" });
  await customer.waitForLoadState("networkidle");
  await customer.getByLabel("Model").selectOption({ label: "Civic" });
  await customer.waitForLoadState("networkidle");
  await customer.getByTestId("use-vehicle").click();
  await expect(customer).toHaveURL(new RegExp(`/parts/${id}$`));
  const answer = customer.getByTestId("fit-answer");
  await expect(answer).toContainText("Fits only with the 1.8 L engine — which one is yours?");
  await expect(answer).toHaveClass(/fit-ask/);
  await hydrated(customer);
  await answer.getByLabel(/1\.8 L, 4 cylinders \(R18Z1\)/).check();
  await answer.getByRole("button", { name: "Check this engine" }).click();
  await expect(answer).toContainText("Fits your 2014 Honda Civic 1.8 L (front axle, 1.8 L, 2 per vehicle).");
  await expect(answer).toHaveClass(/fit-yes/);
  await expect(customer.getByTestId("active-vehicle")).toContainText("2014 Honda Civic 1.8 L");
  await customer.close();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the editor is plain forms, and a part without fitment says so", async ({ page }) => {
    // A demo listing no other test gives fitment to (the test above adds its own listing,
    // which is the newest on /listings).
    await page.goto("/login");
    await page.getByLabel("Email").fill("electric@partwatch.example");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.goto("/listings?q=Starter%20battery");
    const fitment = page.getByRole("link", { name: "Fitment" }).first();
    const href = (await fitment.getAttribute("href"))!;
    await fitment.click();
    await expect(page).toHaveURL(new RegExp(`${href}$`));
    await page.getByLabel("Make").selectOption({ label: "Honda" });
    await page.getByRole("button", { name: "Show its models" }).click();
    await expect(page).toHaveURL(/make=\d+/);
    await page.getByLabel("Model", { exact: true }).selectOption({ label: "Accord" });
    await page.getByLabel("First model year").fill("2014");
    await page.getByRole("button", { name: "Add fitment" }).click();
    await expect(page.getByTestId("fitment-rows")).toContainText("Honda Accord");
    const id = href.split("/")[2];

    // With a 2014 Civic chosen, the Accord part does not fit, and says what it is made for.
    await page.goto(`/vehicle?next=/parts/${id}`);
    await page.getByLabel("Year").selectOption("2014");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Make").selectOption({ label: "Honda" });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Model").selectOption({ label: "Civic" });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByTestId("use-vehicle").click();
    await expect(page).toHaveURL(new RegExp(`/parts/${id}$`));
    await expect(page.getByTestId("fit-answer")).toContainText(
      "Does not fit your 2014 Honda Civic: made for 2014 Honda Accord",
    );
  });
});
