import { test, expect, hydrated, headerLogin, DEMO_PASSWORD } from "./fixtures";

test("a visitor searches, filters, sorts, pages, opens a part and adds it to the cart", async ({ page }) => {
  await page.goto("/catalogue");
  await hydrated(page);
  await expect(page.getByTestId("result-count")).toHaveText(/\d+ parts · page 1 of 2/);

  // Pages.
  await page.getByRole("link", { name: "Next →" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId("result-count")).toHaveText(/page 2 of 2/);

  // Typing searches after a pause, without a reload.
  await page.evaluate(() => ((window as any).__stillHere = true));
  await page.locator("#header-q").pressSequentially("brake disc", { delay: 30 });
  await expect(page).toHaveURL(/q=brake\+disc/);
  await expect(page.getByTestId("result-count")).toHaveText("4 parts");
  expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);

  // A manufacturer filter applies as soon as it is ticked.
  await page.getByRole("checkbox", { name: /Brembo/ }).check();
  await expect(page).toHaveURL(/m=Brembo/);
  await expect(page.getByTestId("result-count")).toHaveText("1 part");
  await page.getByRole("checkbox", { name: /Brembo/ }).uncheck();
  await expect(page).not.toHaveURL(/m=Brembo/);
  await expect(page.getByTestId("result-count")).toHaveText("4 parts");

  // Sorting by price.
  await page.getByLabel("Sort by").selectOption("price_desc");
  await expect(page).toHaveURL(/sort=price_desc/);
  // The address changes at once, the results once they have loaded: wait for the new order.
  await expect
    .poll(async () => {
      const prices = await page.locator(".part-card-price").allTextContents();
      const cents = prices.map((p) => Number(p.replace(/[€,.]/g, "")));
      return cents.length > 1 && cents.every((c, i) => i === 0 || cents[i - 1] >= c);
    })
    .toBe(true);

  // Open the dearest one; a visitor's Add to cart goes to login and back.
  const name = await page.locator(".part-card-name").first().textContent();
  await page.locator(".part-card-name a").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name!.trim());
  const partUrl = page.url();
  await hydrated(page);
  await page.locator(".buy-box").getByRole("link", { name: "Add to cart" }).click();
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await page.getByLabel("Email").fill("customer@partwatch.example");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(partUrl);
  const before = Number(await page.getByTestId("cart-count").textContent());
  await page.getByLabel("Quantity").fill("2");
  await page.locator(".buy-box").getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByText("Added to your cart.")).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveText(String(before + 2));

  // Asking for more than the stock explains itself.
  await page.getByLabel("Quantity").fill("999");
  await page.getByLabel("Quantity").evaluate((el) => el.removeAttribute("max"));
  await page.locator(".buy-box").getByRole("button", { name: "Add to cart" }).click();
  await expect(page.locator(".buy-box").getByText(/Only \d+ in stock/)).toBeVisible();
  await expect(page.getByTestId("cart-count")).toHaveText(String(before + 2));
});

test("back and forward restore the catalogue view", async ({ page }) => {
  await page.goto("/catalogue");
  await hydrated(page);
  await page.locator("#header-q").fill("filter");
  await page.locator("#header-q").press("Enter");
  await expect(page).toHaveURL(/q=filter/);
  const count = page.getByTestId("result-count");
  await expect(count).toHaveText("7 parts");
  await page.getByRole("checkbox", { name: "In stock only" }).check();
  await expect(page).toHaveURL(/stock=1/);
  await expect(count).toHaveText("6 parts");
  const filtered = "6 parts";

  await page.goBack();
  await expect(page).not.toHaveURL(/stock=1/);
  await expect(count).toHaveText("7 parts");
  await expect(page.getByRole("checkbox", { name: "In stock only" })).not.toBeChecked();
  await expect(page.locator("#header-q")).toHaveValue("filter");

  await page.goBack();
  await expect(page).toHaveURL(/\/catalogue$/);
  await expect(page.locator("#header-q")).toHaveValue("");

  await page.goForward();
  await page.goForward();
  await expect(page).toHaveURL(/stock=1/);
  await expect(page.getByRole("checkbox", { name: "In stock only" })).toBeChecked();
  await expect(page.getByTestId("result-count")).toHaveText(filtered!);

  // Quick moves through the history must not crash the app (a card's login link once read a
  // value its card had already dropped, about one time in five): the console check after the
  // test fails on any panic.
  for (let i = 0; i < 10; i++) {
    await page.goBack();
    await page.goBack();
    await page.goForward();
    await page.goForward();
  }
  await expect(page).toHaveURL(/stock=1/);
  await expect(page.getByTestId("result-count")).toHaveText(filtered!);

  // A shared link reproduces the view.
  await page.goto("/catalogue?q=filter&stock=1");
  await expect(page.getByTestId("result-count")).toHaveText(filtered!);
});

test("an empty result says so and offers to clear the filters", async ({ page }) => {
  await page.goto("/catalogue?q=brake&max=1");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "No parts match" })).toBeVisible();
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/catalogue\?q=brake$/);
  await expect(page.getByTestId("result-count")).toHaveText(/\d+ parts/);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("search and filters work as a plain GET form", async ({ page }) => {
    await page.goto("/catalogue");
    await page.locator("#header-q").fill("GD 7202");
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=GD\+7202/);
    await expect(page.getByTestId("result-count")).toHaveText("1 part");
    await expect(page.locator(".part-card-name")).toHaveText("Drilled sport brake disc, front, 300 mm");

    await page.goto("/catalogue?q=filter");
    await page.getByRole("checkbox", { name: "In stock only" }).check();
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(/stock=1/);
    await expect(page).toHaveURL(/q=filter/);
    await expect(page.getByRole("checkbox", { name: "In stock only" })).toBeChecked();
  });

  test("the header's search box on the catalogue keeps the filters", async ({ page }) => {
    await page.goto("/catalogue?stock=1");
    await expect(page.getByRole("searchbox")).toHaveCount(1);
    await page.locator("#header-q").fill("filter");
    await page.getByRole("search").getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/\/catalogue\?.*q=filter/);
    await expect(page).toHaveURL(/stock=1/);
    await expect(page.getByTestId("result-count")).toHaveText("6 parts");
    await expect(page.locator("#header-q")).toHaveValue("filter");
  });

  test("the header's search box on another page goes to the catalogue", async ({ page }) => {
    await page.goto("/faq");
    await page.locator("#header-q").fill("filter");
    await page.locator("#header-q").press("Enter");
    await expect(page).toHaveURL(/\/catalogue\?q=filter$/);
    await expect(page.getByTestId("result-count")).toHaveText("7 parts");
  });
});

test.describe("leaving the catalogue", () => {
  test("links with a query of their own are followed, not tidied back to the catalogue", async ({ page }) => {
    await page.goto("/catalogue?q=disc");
    await hydrated(page);
    await headerLogin(page).click();
    await expect(page).toHaveURL(/\/login\?next=/);
    await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  });
});

test.describe("one search box", () => {
  test("on the catalogue the header's box is the catalogue's search", async ({ page }) => {
    await page.goto("/catalogue?stock=1");
    await hydrated(page);
    await expect(page.getByRole("searchbox")).toHaveCount(1);
    await expect(page.getByRole("search")).toHaveCount(1);
    await expect(page.getByRole("searchbox", { name: "Search parts" })).toBeVisible();
    await expect(page.getByTestId("result-count")).toHaveText(/\d+ parts/);
    const before = await page.getByTestId("result-count").textContent();

    // Typing narrows the results after a pause, without a reload, and keeps the filter.
    await page.evaluate(() => ((window as any).__stillHere = true));
    await page.getByRole("searchbox", { name: "Search parts" }).pressSequentially("filter", { delay: 30 });
    await expect(page).toHaveURL(/q=filter/);
    await expect(page).toHaveURL(/stock=1/);
    await expect(page.getByTestId("result-count")).toHaveText("6 parts");
    expect(await page.evaluate(() => (window as any).__stillHere)).toBe(true);
    expect(before).not.toBe("6 parts");

    // A filter keeps the search text.
    await page.getByRole("checkbox", { name: "In stock only" }).uncheck();
    await expect(page).not.toHaveURL(/stock=1/);
    await expect(page).toHaveURL(/q=filter/);
    await expect(page.getByTestId("result-count")).toHaveText("7 parts");
    await expect(page.locator("#header-q")).toHaveValue("filter");
  });

  test("from another page the header's search lands on the catalogue with results", async ({ page }) => {
    await page.goto("/faq");
    await hydrated(page);
    await expect(page.getByRole("searchbox")).toHaveCount(1);
    await page.getByRole("searchbox", { name: "Search parts" }).fill("brake disc");
    await page.getByRole("searchbox", { name: "Search parts" }).press("Enter");
    await expect(page).toHaveURL(/\/catalogue\?q=brake\+disc$/);
    await expect(page.getByTestId("result-count")).toHaveText("4 parts");
    await expect(page.locator("#header-q")).toHaveValue("brake disc");

    // Leaving the catalogue empties the box again.
    await page.locator("footer").getByRole("link", { name: "FAQ", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Frequently asked questions" })).toBeVisible();
    await expect(page.locator("#header-q")).toHaveValue("");
  });
});
