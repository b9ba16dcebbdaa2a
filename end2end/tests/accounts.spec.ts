import { test, expect, hydrated, unique, headerLogin, fillRegistration, DEMO_PASSWORD } from "./fixtures";

test.describe("accounts with JavaScript", () => {
  test("a supplier registers, logs out, logs in and sees the role in the header", async ({ page }) => {
    const name = unique("sup");
    const email = `${name}@example.com`;
    const password = "gear-box-42-supplier";

    await page.goto("/register");
    await hydrated(page);
    await fillRegistration(page, { name: name, email: email, password: password, supplier: true });

    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId("user-name")).toHaveText(name);
    await expect(page.getByTestId("user-role")).toHaveText("Supplier");

    // Log out from the user menu.
    await page.getByTestId("user-name").click();
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(headerLogin(page)).toBeVisible();
    await expect(page.getByTestId("user-name")).toHaveCount(0);

    // Log in again.
    await headerLogin(page).click();
    await expect(page).toHaveURL(/\/login/);
    await hydrated(page);
    await page.getByLabel("Email").fill(email.toUpperCase());
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("user-role")).toHaveText("Supplier");
    await expect(page.getByTestId("user-name")).toHaveText(name);

    // Suppliers see their shop on the profile page.
    await page.getByTestId("user-name").click();
    await page.getByRole("link", { name: "Profile" }).click();
    await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
    await expect(page.getByTestId("active-listings")).toHaveText("0");
  });

  test("inline validation explains bad fields before sending", async ({ page }) => {
    await page.goto("/register");
    await hydrated(page);
    await page.getByLabel("Username").fill("ab");
    await page.getByLabel("Email").click();
    await expect(page.getByText("Usernames have at least 3 characters.")).toBeVisible();
    await page.getByLabel("Email").fill("not-an-email");
    await page.getByLabel("Password", { exact: true }).click();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
    await page.getByLabel("Password", { exact: true }).fill("longenough1");
    await page.getByLabel("Repeat password").fill("longenough2");
    await page.getByLabel("Username").click();
    await expect(page.getByText("The two passwords do not match.")).toBeVisible();
    await page.getByRole("button", { name: "Create account" }).click();
    // The browser refuses to send the form: still here, nobody logged in.
    await expect(page).toHaveURL(/\/register/);
    await expect(headerLogin(page)).toBeVisible();
  });

  test("a taken email is reported beside the field", async ({ page }) => {
    await page.goto("/register");
    await hydrated(page);
    await page.getByLabel("Username").fill(unique("dup"));
    await page.getByLabel("Email").fill("Customer@PartWatch.example");
    await page.getByLabel("Password", { exact: true }).fill("long-enough-pw");
    await page.getByLabel("Repeat password").fill("long-enough-pw");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("An account with this email already exists")).toBeVisible();
    await expect(page).toHaveURL(/\/register/);
    // What was typed is still there.
    await expect(page.getByLabel("Email")).toHaveValue("Customer@PartWatch.example");
  });

  test("wrong credentials get one message, and login returns to the page it came from", async ({ page }) => {
    await page.goto("/faq");
    await hydrated(page);
    await headerLogin(page).click();
    await expect(page).toHaveURL(/\/login\?next=%2Ffaq|\/login\?next=\/faq/);
    await hydrated(page);
    await page.getByLabel("Email").fill("customer@partwatch.example");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "The email or password is incorrect." })).toBeVisible();
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/faq$/);
    await expect(page.getByTestId("user-role")).toHaveText("Customer");
  });

  test("profile changes email and password", async ({ page }) => {
    const name = unique("cus");
    const password = "first-password-1";
    await page.goto("/register");
    await hydrated(page);
    await fillRegistration(page, { name: name, email: `${name}@example.com`, password: password });
    await expect(page.getByTestId("user-role")).toHaveText("Customer");

    await page.goto("/profile");
    await hydrated(page);
    const emailCard = page.locator(".card", { hasText: "Email address" });
    await emailCard.getByLabel("New email").fill(`${name}@new.example.com`);
    await emailCard.getByLabel("Current password").fill("not-my-password");
    await emailCard.getByRole("button", { name: "Change email" }).click();
    await expect(emailCard.getByText("Your current password is not correct.")).toBeVisible();
    await emailCard.getByLabel("Current password").fill(password);
    await emailCard.getByRole("button", { name: "Change email" }).click();
    await expect(page.getByText("Your email address has been changed.")).toBeVisible();
    await expect(emailCard.getByText(`${name}@new.example.com`).first()).toBeVisible();

    const pwCard = page.locator(".card", { hasText: "Changing it logs you out" });
    await pwCard.getByLabel("Current password").fill(password);
    await pwCard.getByLabel("New password", { exact: true }).fill("second-password-2");
    await pwCard.getByLabel("Repeat new password").fill("second-password-2");
    await pwCard.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Your password has been changed.")).toBeVisible();

    // Log out and in with the new email and password.
    await page.getByTestId("user-name").click();
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(headerLogin(page)).toBeVisible();
    await page.goto("/login");
    await hydrated(page);
    await page.getByLabel("Email").fill(`${name}@new.example.com`);
    await page.getByLabel("Password").fill("second-password-2");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByTestId("user-name")).toHaveText(name);
  });

  test("a link carrying its own error message shows no message, before or after hydration", async ({ page }) => {
    const fake = Buffer.from('{"Forbidden":"Your account is suspended. Call +49 30 1234567."}').toString("base64url");
    await page.goto(`/login?__path=/api/login&__err=${fake}`);
    await hydrated(page);
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByText("suspended")).toHaveCount(0);
  });

  test("a visitor is sent from the profile to the login page and back", async ({ page }) => {
    await page.goto("/profile");
    await expect(page).toHaveURL(/\/login\?next=\/profile/);
    await hydrated(page);
    await page.getByLabel("Email").fill("brakes@partwatch.example");
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/profile$/);
    await expect(page.getByTestId("active-listings")).not.toHaveText("0");
  });
});

test.describe("accounts without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("register, log out, log in with plain form posts", async ({ page }) => {
    const name = unique("nojs");
    const email = `${name}@example.com`;
    const password = "plain-forms-work";

    await page.goto("/register");
    await fillRegistration(page, { name: name, email: email, password: password, supplier: true });
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByTestId("user-role")).toHaveText("Supplier");

    // The user menu is a <details> element: it opens without script.
    await page.getByTestId("user-name").click();
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(headerLogin(page)).toBeVisible();

    await page.goto("/login?next=/terms");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page.getByText("The email or password is incorrect.")).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
    // What was typed comes back, except the password.
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await expect(page.getByLabel("Password")).toHaveValue("");

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/terms$/);
    await expect(page.getByTestId("user-role")).toHaveText("Supplier");
    await expect(page.getByTestId("user-name")).toHaveText(name);
  });

  test("server-side validation errors show beside the fields", async ({ page }) => {
    await page.goto("/register");
    // Skip the browser's own checks to see the server's answer.
    await page.locator('form[action="/api/register"]').evaluate((f) => f.setAttribute("novalidate", ""));
    await page.getByLabel("Username").fill("x");
    await page.getByLabel("Email").fill("nope");
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByLabel("Repeat password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByText("Usernames have at least 3 characters.")).toBeVisible();
    await expect(page.getByText("Enter a valid email address")).toBeVisible();
    await expect(page.getByText("Passwords have at least 8 characters.")).toBeVisible();
    // The typed name and email stay in their fields.
    await expect(page.getByLabel("Username")).toHaveValue("x");
    await expect(page.getByLabel("Email")).toHaveValue("nope");
  });

  test("a link carrying its own error message shows no message", async ({ page }) => {
    const fake = Buffer.from('{"Forbidden":"Your account is suspended. Call +49 30 1234567."}').toString("base64url");
    await page.goto(`/login?next=/cart&__path=/api/login&__err=${fake}`);
    await expect(page).toHaveURL(/\/login\?next=%2Fcart$/);
    await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
    await expect(page.getByText("suspended")).toHaveCount(0);
  });

  test("profile changes with plain form posts", async ({ page }) => {
    const name = unique("nojsp");
    const password = "plain-profile-pw";
    await page.goto("/register");
    await fillRegistration(page, { name: name, email: `${name}@example.com`, password: password });
    await expect(page.getByTestId("user-name")).toHaveText(name);

    await page.goto("/profile");
    const emailCard = page.locator(".card", { hasText: "Email address" });
    await emailCard.getByLabel("New email").fill(`${name}@changed.example.com`);
    await emailCard.getByLabel("Current password").fill("wrong-password!");
    await emailCard.getByRole("button", { name: "Change email" }).click();
    await expect(page.getByText("Your current password is not correct.")).toBeVisible();

    await emailCard.getByLabel("New email").fill(`${name}@changed.example.com`);
    await emailCard.getByLabel("Current password").fill(password);
    await emailCard.getByRole("button", { name: "Change email" }).click();
    await expect(page).toHaveURL(/\/profile\?saved=email$/);
    await expect(page.getByText("Your email address has been changed.")).toBeVisible();

    const pwCard = page.locator(".card", { hasText: "Changing it logs you out" });
    await pwCard.getByLabel("Current password").fill(password);
    await pwCard.getByLabel("New password", { exact: true }).fill("plain-profile-pw2");
    await pwCard.getByLabel("Repeat new password").fill("plain-profile-pw2");
    await pwCard.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Your password has been changed.")).toBeVisible();
    await expect(page.getByTestId("user-name")).toHaveText(name);
  });
});
