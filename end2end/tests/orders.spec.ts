import { test, expect, hydrated, unique, fillRegistration, DEMO_PASSWORD, Page } from "./fixtures";

/** Opens the first catalogue hit for `query` and returns the stock its page shows. */
async function openPart(page: Page, query: string): Promise<number> {
  await page.goto(`/catalogue?q=${encodeURIComponent(query)}`);
  await page.locator(".part-card-name a").first().click();
  await hydrated(page);
  const text = await page.locator(".part-availability .muted").textContent();
  return Number(text!.match(/(\d+) in stock/)![1]);
}

async function logOut(page: Page) {
  await page.getByTestId("user-name").click();
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByTestId("user-name")).toHaveCount(0);
}

async function logIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("user-name")).toBeVisible();
}

function orderFrom(page: Page, supplier: string) {
  return page.getByTestId("order").filter({ hasText: `Sold by ${supplier}` });
}

test("a customer buys from two suppliers, pays one order, the supplier ships it, the customer confirms receipt", async ({
  page,
}) => {
  const name = unique("buyer");
  const password = "brake-pads-and-oil";
  await page.goto("/register");
  await hydrated(page);
  await fillRegistration(page, { name, password });
  await expect(page.getByTestId("user-name")).toHaveText(name);

  // Two parts from two suppliers: wipers from RheinFilter, a V-belt from NordBrake.
  const wiperStock = await openPart(page, "wiper blade set");
  const wiperUrl = page.url();
  await page.getByLabel("Quantity").fill("2");
  await page.locator(".buy-box").getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("2");
  await openPart(page, "V-belt");
  await page.locator(".buy-box").getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("3");

  // The cart: one group per supplier; the stepper changes quantity and total in place.
  await page.locator("a.cart-link").click();
  await expect(page).toHaveURL(/\/cart$/);
  await hydrated(page);
  await expect(page.getByTestId("cart-group")).toHaveCount(2);
  await expect(page.getByText("this becomes 2 orders")).toBeVisible();
  const total = page.getByTestId("cart-total");
  const before = await total.textContent();
  const belt = page.getByTestId("cart-line").filter({ hasText: "V-belt" });
  await belt.getByRole("button", { name: /One more/ }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("4");
  await expect(belt.getByTestId("line-quantity")).toHaveValue("2");
  await expect(total).not.toHaveText(before!);
  await belt.getByRole("button", { name: /One fewer/ }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("3");
  await expect(total).toHaveText(before!);

  // Shipping details are checked before sending.
  await page.getByLabel("Full name").fill("A");
  await page.getByLabel("Address").fill("Hauptstraße 1\n10115 Berlin\nGermany");
  await page.getByLabel("Full name").blur();
  await expect(page.getByText("Enter the full name.")).toBeVisible();
  await page.getByLabel("Full name").fill("Anna Berg");
  await page.getByTestId("place-order").click();

  // Two orders, one per supplier, each with its own payment reference.
  await expect(page).toHaveURL(/\/orders\?placed=2/);
  await expect(page.getByTestId("placed-notice")).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveText("0");
  await expect(page.getByTestId("order")).toHaveCount(2);
  const wipers = orderFrom(page, "RheinFilter");
  await expect(wipers.getByTestId("order-status")).toHaveText("Awaiting payment");
  await expect(orderFrom(page, "NordBrake").getByTestId("order-status")).toHaveText("Awaiting payment");
  const reference = (await wipers.getByTestId("order-reference").textContent())!;
  expect(reference).toMatch(/^PW-\d{6}$/);
  await expect(wipers.getByTestId("payment-reference")).toHaveText(reference);

  // Pay the wiper order.
  await hydrated(page);
  await wipers.getByRole("button", { name: "I have paid" }).click();
  await expect(wipers.getByTestId("order-status")).toHaveText("Paid");
  await expect(wipers.getByRole("button", { name: "I have paid" })).toHaveCount(0);
  await expect(orderFrom(page, "NordBrake").getByTestId("order-status")).toHaveText("Awaiting payment");

  // The supplier sees it waiting and ships it.
  await logOut(page);
  await logIn(page, "filters@partwatch.example", DEMO_PASSWORD);
  await expect(page.getByTestId("to-ship-count")).toHaveText("1");
  await page.locator("a.to-ship-link").click();
  await expect(page).toHaveURL(/view=to_ship/);
  await hydrated(page);
  const toShip = page.getByTestId("order").filter({ hasText: reference });
  await expect(toShip.getByTestId("ship-to")).toContainText("Anna Berg");
  await expect(toShip.getByTestId("ship-to")).toContainText("10115 Berlin");
  await toShip.getByRole("button", { name: "Mark shipped" }).click();
  await expect(page.getByTestId("to-ship-count")).toHaveText("0");
  await expect(page.getByText("Nothing to ship")).toBeVisible();

  // The customer confirms receipt on the order's own page.
  await logOut(page);
  await logIn(page, `${name}@example.com`, password);
  await page.goto("/orders");
  await hydrated(page);
  await expect(orderFrom(page, "RheinFilter").getByTestId("order-status")).toHaveText("Shipped");
  await orderFrom(page, "RheinFilter").getByRole("link", { name: "Details" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Order ${reference}`);
  await hydrated(page);
  await page.getByRole("button", { name: "Confirm receipt" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Completed");
  await expect(page.locator(".timeline")).toContainText("Completed");

  // The catalogue shows the stock that was sold.
  await page.goto(wiperUrl);
  await expect(page.locator(".part-availability .muted")).toHaveText(`${wiperStock - 2} in stock`);
});

test("a customer cancels an unpaid order and the stock goes back", async ({ page }) => {
  const name = unique("canceller");
  await page.goto("/register");
  await hydrated(page);
  await fillRegistration(page, { name, password: "cancel-me-please" });
  await expect(page.getByTestId("user-name")).toHaveText(name);
  const stock = await openPart(page, "spark plug");
  const partUrl = page.url();
  await page.locator(".buy-box").getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
  await page.goto("/cart");
  await hydrated(page);
  await page.getByLabel("Full name").fill("Carl Cancel");
  await page.getByLabel("Address").fill("Ring 5\n50667 Köln");
  await page.getByTestId("place-order").click();
  await expect(page).toHaveURL(/placed=1/);
  await hydrated(page);
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "Cancel order" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Cancelled");
  await page.goto(partUrl);
  await expect(page.locator(".part-availability .muted")).toHaveText(`${stock} in stock`);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the cart, checkout and payment work as plain forms", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill("customer@partwatch.example");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("user-name")).toBeVisible();
    await openPartNoJs(page, "oil filter");
    await page.locator(".buy-box").getByRole("button", { name: "Add to cart" }).click();
    await page.goto("/cart");
    const line = page.getByTestId("cart-line").filter({ hasText: /oil filter/i }).first();
    const quantity = Number(await line.getByTestId("line-quantity").inputValue());
    await line.getByRole("button", { name: /One more/ }).click();
    await expect(page).toHaveURL(/\/cart/);
    await expect(line.getByTestId("line-quantity")).toHaveValue(String(quantity + 1));
    await line.getByTestId("line-quantity").fill("1");
    await line.getByRole("button", { name: "Update" }).click();
    await expect(line.getByTestId("line-quantity")).toHaveValue("1");

    // Empty the rest of the cart so only the filter is ordered.
    for (;;) {
      const others = page.getByTestId("cart-line").filter({ hasNotText: /oil filter/i });
      if ((await others.count()) === 0) break;
      await others.first().getByRole("button", { name: "Remove" }).click();
    }
    await page.getByLabel("Full name").fill("Nora Script");
    await page.getByLabel("Address").fill("Altstadt 3\n80331 München");
    await page.getByTestId("place-order").click();
    await expect(page).toHaveURL(/\/orders\?placed=1/);
    const order = page.getByTestId("order").first();
    await expect(order.getByTestId("order-status")).toHaveText("Awaiting payment");
    await order.getByRole("button", { name: "I have paid" }).click();
    await expect(page.getByTestId("order").first().getByTestId("order-status")).toHaveText("Paid");
  });
});

async function openPartNoJs(page: Page, query: string) {
  await page.goto(`/catalogue?q=${encodeURIComponent(query)}&stock=1`);
  await page.locator(".part-card-name a").first().click();
  await expect(page.locator(".buy-box")).toBeVisible();
}
