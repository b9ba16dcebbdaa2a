import { test, expect, hydrated, unique, fillRegistration, DEMO_PASSWORD, Page } from "./fixtures";

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
  await page.getByLabel("Make", { exact: true }).selectOption({ label: "Honda" });
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
  // The form starts afresh for the next row.
  await expect(page.getByLabel("First model year")).toHaveValue("");
  await expect(page.getByLabel("Per vehicle")).toHaveValue("1");

  // Many rows at once, and an OEM number: each form empties after its add.
  await page.getByText("Add many at once: paste rows or a CSV file").click();
  await page.getByLabel("Rows").fill("Honda,Accord,2013,2017,,rear,2");
  await page.getByRole("button", { name: "Add these rows" }).click();
  await expect(page.getByTestId("bulk-added")).toHaveText("1 row added.");
  await expect(rows).toContainText("Honda Accord");
  await expect(page.getByLabel("Rows")).toHaveValue("");
  await page.getByLabel("Whose number").fill("Honda");
  await page.getByLabel("Number as printed").fill("45022-TR0-A00");
  await page.getByRole("button", { name: "Add number" }).click();
  await expect(page.getByTestId("part-numbers")).toContainText("45022-TR0-A00");
  await expect(page.getByLabel("Number as printed")).toHaveValue("");

  // A customer (a fresh browser) with a 2014 Civic, engine not known yet.
  const customer = await browser.newPage();
  await customer.goto(`/parts/${id}`);
  await hydrated(customer);
  await expect(customer.getByTestId("fit-answer")).toContainText("Choose your vehicle");
  await customer.getByTestId("fit-answer").getByRole("link", { name: "Choose your vehicle" }).click();
  await hydrated(customer);
  await customer.getByLabel("Year", { exact: true }).selectOption("2014");
  await customer.waitForLoadState("networkidle");
  await customer.getByLabel("Make", { exact: true }).selectOption({ label: "Honda" });
  await customer.waitForLoadState("networkidle");
  await customer.getByLabel("Model", { exact: true }).selectOption({ label: "Civic" });
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

/** The number in the catalogue's result line ("12 parts", "1 part"). */
async function resultCount(page: Page): Promise<number> {
  const text = (await page.getByTestId("result-count").textContent()) ?? "";
  return Number(text.replace(/,/g, "").match(/\d+/)![0]);
}

// A 2014 Honda Civic with the 1.8 L engine (check digit made right).
const CIVIC_VIN = "19XFB2F59EE000001";

test("a VIN narrows the catalogue to parts that fit, each card says why; the garage keeps the vehicle through login", async ({ page, browser }) => {
  await page.goto("/catalogue");
  await hydrated(page);
  const everything = await resultCount(page);

  // The VIN fills in the vehicle and its engine; a mistyped one says what is wrong.
  await page.goto("/vehicle?next=/catalogue");
  await hydrated(page);
  await page.getByLabel("Know your VIN?").fill("19XFB2F58EE000001");
  await page.getByTestId("use-vin").click();
  await expect(page.getByTestId("vin-form")).toContainText("check digit");
  await page.getByLabel("Know your VIN?").fill(CIVIC_VIN.toLowerCase());
  await page.getByTestId("use-vin").click();
  await expect(page).toHaveURL(/\/catalogue$/);
  await expect(page.getByTestId("active-vehicle")).toContainText("2014 Honda Civic 1.8 L");

  // Only the parts that fit, each with its reason.
  await expect(page.getByTestId("fit-bar")).toContainText("Showing parts that fit your 2014 Honda Civic 1.8 L");
  const fitting = await resultCount(page);
  expect(fitting).toBeGreaterThan(0);
  expect(fitting).toBeLessThan(everything);
  const cards = page.getByTestId("card-fit");
  await expect(cards.first()).toBeVisible();
  for (const text of await cards.allTextContents()) {
    expect(text).toMatch(/^(Fits your 2014 Honda Civic 1\.8 L|Fits every vehicle \(universal part\))/);
  }
  await expect(cards.filter({ hasText: "Fits every vehicle (universal part)." }).first()).toBeVisible();
  await expect(cards.filter({ hasText: /^Fits your 2014 Honda Civic 1\.8 L \(/ }).first()).toBeVisible();

  // Every vehicle: the others say why not.
  await page.getByTestId("fit-switch").click();
  await expect(page).toHaveURL(/fit=all/);
  await expect(page.getByTestId("fit-bar")).toContainText("Showing parts for every vehicle");
  await expect.poll(() => resultCount(page)).toBe(everything);
  await expect(cards.filter({ hasText: /^Does not fit your 2014 Honda Civic 1\.8 L: made for / }).first()).toBeVisible();
  await expect(cards.filter({ hasText: "No fitment data from the supplier" }).first()).toBeVisible();

  // Registering keeps the vehicle in the garage.
  const name = unique("garage");
  await page.goto("/register");
  await hydrated(page);
  await fillRegistration(page, { name, password: "correct horse battery" });
  await expect(page.getByTestId("user-role")).toHaveText("Customer");
  await page.goto("/vehicle");
  await hydrated(page);
  const garage = page.getByTestId("garage");
  await expect(garage).toContainText("My garage");
  await expect(garage.getByTestId("garage-item")).toHaveCount(1);
  await expect(garage.getByTestId("garage-item").first()).toContainText("2014 Honda Civic 1.8 L");
  await expect(garage.getByTestId("garage-item").first()).toContainText("Active");

  // A second vehicle joins it; the first can be made active again.
  await page.getByLabel("Know your VIN?").fill("1HGCM82633A004352");
  await page.getByTestId("use-vin").click();
  await expect(page.getByTestId("active-vehicle")).toContainText("2003 Honda Accord J30A4");
  await page.goto("/vehicle");
  await hydrated(page);
  await expect(garage.getByTestId("garage-item")).toHaveCount(2);
  const civic = garage.getByTestId("garage-item").filter({ hasText: "2014 Honda Civic 1.8 L" });
  await civic.getByRole("button", { name: "Use this vehicle" }).click();
  await expect(page.getByTestId("active-vehicle")).toContainText("2014 Honda Civic 1.8 L");

  // Another browser, no vehicle: logging in brings the garage's last vehicle back.
  const other = await browser.newPage();
  await other.goto("/login");
  await hydrated(other);
  await other.getByLabel("Email").fill(`${name}@example.com`);
  await other.getByLabel("Password").fill("correct horse battery");
  await other.getByRole("button", { name: "Log in" }).click();
  await expect(other.getByTestId("user-role")).toHaveText("Customer");
  await expect(other.getByTestId("active-vehicle")).toContainText("2014 Honda Civic 1.8 L");
  await other.goto("/catalogue");
  await expect(other.getByTestId("fit-bar")).toContainText("2014 Honda Civic 1.8 L");
  await other.close();
});

test("a search that finds nothing for a customer's vehicle shows on the suppliers' demand page", async ({ page, browser }) => {
  const words = unique("roof box ").toLowerCase();
  await page.goto("/vehicle?next=/catalogue");
  await hydrated(page);
  await page.getByLabel("Know your VIN?").fill(CIVIC_VIN);
  await page.getByTestId("use-vin").click();
  await expect(page.getByTestId("fit-bar")).toContainText("2014 Honda Civic 1.8 L");
  await hydrated(page);
  await page.getByLabel("Search parts").fill(words);
  await expect(page).toHaveURL(/q=roof/);
  await expect(page.getByText("No parts match")).toBeVisible();

  const supplier = await browser.newPage();
  await supplier.goto("/login");
  await hydrated(supplier);
  await supplier.getByLabel("Email").fill("electric@partwatch.example");
  await supplier.getByLabel("Password").fill(DEMO_PASSWORD);
  await supplier.getByRole("button", { name: "Log in" }).click();
  await expect(supplier.getByTestId("user-role")).toHaveText("Supplier");
  await supplier.getByTestId("user-name").click();
  await supplier.getByRole("link", { name: "Customer demand" }).click();
  await expect(supplier).toHaveURL(/\/demand$/);
  await expect(supplier.getByRole("heading", { name: "What customers could not find" })).toBeVisible();
  await hydrated(supplier);
  await supplier.getByLabel("Vehicle make").selectOption("Honda");
  await supplier.getByRole("button", { name: "Show" }).click();
  await expect(supplier).toHaveURL(/make=Honda/);
  const row = supplier.getByTestId("demand-row").filter({ hasText: words });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("2014 Honda Civic");
  await expect(row.locator("td.num")).toHaveText("1");
  for (const other of await supplier.getByTestId("demand-row").allTextContents()) {
    expect(other).toContain("Honda");
  }
  // The link shows what the catalogue has for those words, for every vehicle.
  await row.getByRole("link", { name: "In the catalogue" }).click();
  await expect(supplier).toHaveURL(/fit=all/);
  await expect(supplier.getByText("No parts match")).toBeVisible();
  await supplier.close();
});

/** The first catalogue card that says it fits the 2014 Civic 1.8 L for a reason of its own
 * (not a universal part); opens its page and returns the part's name. */
async function openFittingPart(page: Page): Promise<string> {
  const card = page
    .locator("article.part-card")
    .filter({ has: page.getByTestId("card-fit").filter({ hasText: /^Fits your 2014 Honda Civic 1\.8 L \(/ }) })
    .first();
  await expect(card).toBeVisible();
  const name = ((await card.locator(".part-card-name a").textContent()) ?? "").trim();
  await card.locator(".part-card-name a").click();
  await expect(page).toHaveURL(/\/parts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  return name;
}

test("the whole journey: a new customer's VIN, a part that fits with its reason, an order", async ({ page }) => {
  const name = unique("journey");
  await page.goto("/register");
  await hydrated(page);
  await fillRegistration(page, { name, password: "my civic needs pads" });
  await expect(page.getByTestId("user-role")).toHaveText("Customer");

  // "I drive a 2014 Civic": its VIN, then the catalogue shows only what fits, in stock.
  await page.goto("/vehicle?next=%2Fcatalogue%3Fstock%3D1");
  await hydrated(page);
  await page.getByLabel("Know your VIN?").fill(CIVIC_VIN);
  await page.getByTestId("use-vin").click();
  await expect(page).toHaveURL(/\/catalogue\?stock=1$/);
  await expect(page.getByTestId("fit-bar")).toContainText("Showing parts that fit your 2014 Honda Civic 1.8 L");
  await hydrated(page);

  // The part page says it fits, and why.
  const part = await openFittingPart(page);
  const answer = page.getByTestId("fit-answer");
  await expect(answer).toContainText(/^Fits your 2014 Honda Civic 1\.8 L \(/);
  await expect(answer).toHaveClass(/fit-yes/);
  await hydrated(page);

  // To the cart and the order.
  await page.locator(".buy-box").getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await page.locator("a.cart-link").click();
  await expect(page).toHaveURL(/\/cart$/);
  await hydrated(page);
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByTestId("cart-line")).toContainText(part);
  await page.getByLabel("Full name").fill("Civic Driver");
  await page.getByLabel("Address").fill("Hauptstraße 1\n10115 Berlin");
  await page.getByTestId("place-order").click();
  await expect(page).toHaveURL(/\/orders\?placed=1/);
  const order = page.getByTestId("order").first();
  await expect(order).toContainText(part);
  await expect(order.getByTestId("order-status")).toHaveText("Awaiting payment");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the whole journey as plain forms: the picker, a part that fits with its reason, the garage through login, an order", async ({ page, browser }) => {
    const name = unique("plainjourney");
    const password = "plain forms only";
    await page.goto("/register");
    await fillRegistration(page, { name, password });
    await expect(page.getByTestId("user-role")).toHaveText("Customer");

    // Year, make, model, engine: each a form; the engine chosen makes the answers exact.
    await page.goto("/vehicle?next=%2Fcatalogue%3Fstock%3D1");
    await page.getByLabel("Year", { exact: true }).selectOption("2014");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Make", { exact: true }).selectOption({ label: "Honda" });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Model", { exact: true }).selectOption({ label: "Civic" });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel(/1\.8 L, 4 cylinders \(R18Z1\)/).check();
    await page.getByTestId("use-vehicle").click();
    await expect(page).toHaveURL(/\/catalogue\?stock=1$/);
    await expect(page.getByTestId("fit-bar")).toContainText("Showing parts that fit your 2014 Honda Civic 1.8 L");

    // The garage keeps it: another browser, logged in, has it back.
    await page.goto("/vehicle");
    await expect(page.getByTestId("garage").getByTestId("garage-item")).toHaveCount(1);
    await expect(page.getByTestId("garage").getByTestId("garage-item").first()).toContainText("2014 Honda Civic 1.8 L");
    const context = await browser.newContext({ javaScriptEnabled: false });
    const other = await context.newPage();
    await other.goto("/login");
    await other.getByLabel("Email").fill(`${name}@example.com`);
    await other.getByLabel("Password").fill(password);
    await other.getByRole("button", { name: "Log in" }).click();
    await expect(other.getByTestId("active-vehicle")).toContainText("2014 Honda Civic 1.8 L");
    await context.close();

    // A part that fits, with the reason on its card and its page; then the order.
    await page.goto("/catalogue?stock=1");
    const part = await openFittingPart(page);
    const answer = page.getByTestId("fit-answer");
    await expect(answer).toContainText(/^Fits your 2014 Honda Civic 1\.8 L \(/);
    await expect(answer).toHaveClass(/fit-yes/);
    await page.locator(".buy-box").getByRole("button", { name: "Add to cart" }).click();
    await page.goto("/cart");
    await expect(page.getByTestId("cart-line")).toHaveCount(1);
    await expect(page.getByTestId("cart-line")).toContainText(part);
    await page.getByLabel("Full name").fill("Plain Forms");
    await page.getByLabel("Address").fill("Altstadt 3\n80331 München");
    await page.getByTestId("place-order").click();
    await expect(page).toHaveURL(/\/orders\?placed=1/);
    const order = page.getByTestId("order").first();
    await expect(order).toContainText(part);
    await expect(order.getByTestId("order-status")).toHaveText("Awaiting payment");
  });

  test("an engine-bound part asks which engine, and the answer follows the choice", async ({ browser }) => {
    // A visitor with a 2014 Civic, engine not given: the demo's spark plugs and filters name
    // the 1.8 L engine.
    const visitor = await browser.newContext({ javaScriptEnabled: false });
    const customer = await visitor.newPage();
    await customer.goto("/vehicle?next=%2Fcatalogue");
    await customer.getByLabel("Year", { exact: true }).selectOption("2014");
    await customer.getByRole("button", { name: "Next" }).click();
    await customer.getByLabel("Make", { exact: true }).selectOption({ label: "Honda" });
    await customer.getByRole("button", { name: "Next" }).click();
    await customer.getByLabel("Model", { exact: true }).selectOption({ label: "Civic" });
    await customer.getByRole("button", { name: "Next" }).click();
    await customer.getByTestId("use-vehicle").click();
    await expect(customer).toHaveURL(/\/catalogue$/);
    const ask = customer
      .locator("article.part-card")
      .filter({ has: customer.getByTestId("card-fit").filter({ hasText: "Fits only with the 1.8 L engine — which one is yours?" }) })
      .first();
    await expect(ask).toBeVisible();
    await ask.locator(".part-card-name a").click();
    await expect(customer).toHaveURL(/\/parts\/\d+$/);
    const id = customer.url().split("/").pop()!;
    const answer = customer.getByTestId("fit-answer");
    await expect(answer).toContainText("Fits only with the 1.8 L engine — which one is yours?");
    await answer.getByLabel(/1\.8 L, 4 cylinders \(R18Z1\)/).check();
    await answer.getByRole("button", { name: "Check this engine" }).click();
    await expect(customer).toHaveURL(new RegExp(`/parts/${id}`));
    await expect(customer.getByTestId("fit-answer")).toContainText(/^Fits your 2014 Honda Civic 1\.8 L \(.*1\.8 L/);
    await expect(customer.getByTestId("fit-answer")).toHaveClass(/fit-yes/);
    await visitor.close();
  });

  test("a VIN is a plain form; the catalogue narrows and switches with links", async ({ page }) => {
    await page.goto("/vehicle?next=/catalogue");
    await page.getByLabel("Know your VIN?").fill("1HGCM82633A00435");
    await page.getByTestId("use-vin").click();
    await expect(page.getByRole("alert").filter({ hasText: "Could not use this VIN" })).toContainText(
      "A VIN has 17 characters; this one has 16.",
    );
    await page.getByLabel("Know your VIN?").fill(CIVIC_VIN);
    await page.getByTestId("use-vin").click();
    await expect(page).toHaveURL(/\/catalogue$/);
    await expect(page.getByTestId("fit-bar")).toContainText("Showing parts that fit your 2014 Honda Civic 1.8 L");
    const fitting = await resultCount(page);
    await page.getByTestId("fit-switch").click();
    await expect(page).toHaveURL(/fit=all/);
    expect(await resultCount(page)).toBeGreaterThan(fitting);
    await expect(page.getByTestId("card-fit").filter({ hasText: "No fitment data from the supplier" }).first()).toBeVisible();
  });

  test("demand: a search that finds nothing is counted, and the supplier's page filters by make", async ({ page, browser }) => {
    const words = unique("snow chains ").toLowerCase();
    await page.goto("/vehicle?next=/catalogue");
    await page.getByLabel("Know your VIN?").fill(CIVIC_VIN);
    await page.getByTestId("use-vin").click();
    await expect(page.getByTestId("fit-bar")).toContainText("2014 Honda Civic 1.8 L");
    await page.getByLabel("Search parts").fill(words);
    await page.getByLabel("Search parts").press("Enter");
    await expect(page.getByText("No parts match")).toBeVisible();

    const context = await browser.newContext({ javaScriptEnabled: false });
    const supplier = await context.newPage();
    await supplier.goto("/login");
    await supplier.getByLabel("Email").fill("electric@partwatch.example");
    await supplier.getByLabel("Password").fill(DEMO_PASSWORD);
    await supplier.getByRole("button", { name: "Log in" }).click();
    await supplier.goto("/listings");
    await supplier.getByRole("link", { name: "What customers could not find" }).click();
    await expect(supplier).toHaveURL(/\/demand$/);
    await supplier.getByLabel("Vehicle make").selectOption("Honda");
    await supplier.getByRole("button", { name: "Show" }).click();
    await expect(supplier).toHaveURL(/make=Honda/);
    const row = supplier.getByTestId("demand-row").filter({ hasText: words });
    await expect(row).toContainText("2014 Honda Civic");
    await expect(row.locator("td.num")).toHaveText("1");
    await context.close();
  });

  test("the editor is plain forms, and a part without fitment says so", async ({ page, browser }) => {
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
    await page.getByLabel("Make", { exact: true }).selectOption({ label: "Honda" });
    await page.getByRole("button", { name: "Show its models" }).click();
    await expect(page).toHaveURL(/make=\d+/);
    await page.getByLabel("Model", { exact: true }).selectOption({ label: "Accord" });
    await page.getByLabel("First model year").fill("2014");
    await page.getByRole("button", { name: "Add fitment" }).click();
    await expect(page.getByTestId("fitment-rows")).toContainText("Honda Accord");
    const id = href.split("/")[2];

    // A visitor (another browser: a vehicle chosen while logged in would join the supplier's
    // garage) with a 2014 Civic: the Accord part does not fit, and says what it is made for.
    const visitor = await browser.newContext({ javaScriptEnabled: false });
    page = await visitor.newPage();
    await page.goto(`/vehicle?next=/parts/${id}`);
    await page.getByLabel("Year", { exact: true }).selectOption("2014");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Make", { exact: true }).selectOption({ label: "Honda" });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByLabel("Model", { exact: true }).selectOption({ label: "Civic" });
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByTestId("use-vehicle").click();
    await expect(page).toHaveURL(new RegExp(`/parts/${id}$`));
    await expect(page.getByTestId("fit-answer")).toContainText(
      "Does not fit your 2014 Honda Civic: made for 2014 Honda Accord",
    );
    await visitor.close();
  });
});
