//! Register, login and profile pages. Every form is a plain HTML form that works without
//! JavaScript and, once hydrated, submits without a page reload.

use super::{
    api::{ChangePassword, Login, Register, UpdateEmail},
    session::{refresh_session_on_success, use_session},
    Email, Password, SessionUser, Username,
};
use crate::{
    parts::api::supplier_stats,
    ui::{
        form::{action_error, typed_before},
        layout::with_next,
        ErrorNotice, FormAlert, RoleChoice, TextField,
    },
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::Redirect, hooks::use_query_map};

fn check(parse: fn(&str) -> Result<(), String>) -> Callback<String, Option<String>> {
    Callback::new(move |value: String| parse(&value).err())
}

/// `/register`: create a customer or supplier account.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    refresh_session_on_success(action);
    let errors = action_error(action);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let login_href = move || with_next("/login", query.read().get("next").as_deref());
    let password = RwSignal::new(String::new());
    let confirm_check = Callback::new(move |value: String| {
        (value != password.get_untracked()).then(|| "The two passwords do not match.".to_string())
    });
    view! {
        <Title text="Create your account" />
        <Meta name="description" content="Create a PartWatch account to buy or sell car parts." />
        <section class="auth-page">
            <div class="auth-card">
                <h1>"Create your account"</h1>
                <p class="auth-lead">"Buy parts from trusted suppliers, or open your own shop."</p>
                <FormAlert errors />
                <ActionForm action=action>
                    <input type="hidden" name="next" value=next />
                    <TextField
                        name="username"
                        label="Username"
                        autocomplete="username"
                        initial=typed_before("username").unwrap_or_default()
                        hint="3–32 letters, digits, '_', '-' or '.'. Shown to other users."
                        validate=check(|v| Username::parse(v).map(|_| ()))
                        errors
                    />
                    <TextField
                        name="email"
                        label="Email"
                        input_type="email"
                        autocomplete="email"
                        initial=typed_before("email").unwrap_or_default()
                        validate=check(|v| Email::parse(v).map(|_| ()))
                        errors
                    />
                    <TextField
                        name="password"
                        label="Password"
                        input_type="password"
                        autocomplete="new-password"
                        hint="At least 8 characters. A passphrase of a few words is easy to remember."
                        value=password
                        validate=check(|v| Password::parse(v).map(|_| ()))
                        errors
                    />
                    <TextField
                        name="password_confirm"
                        label="Repeat password"
                        input_type="password"
                        autocomplete="new-password"
                        validate=confirm_check
                        errors
                    />
                    <RoleChoice errors />
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Creating account…" } else { "Create account" }}
                    </button>
                </ActionForm>
                <p class="auth-switch">
                    "Already have an account? " <a href=login_href>"Log in"</a>
                </p>
            </div>
        </section>
    }
}

/// `/login`: log in with email and password, then return to `?next=`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    refresh_session_on_success(action);
    let errors = action_error(action);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let register_href = move || with_next("/register", query.read().get("next").as_deref());
    view! {
        <Title text="Log in" />
        <Meta name="description" content="Log in to your PartWatch account." />
        <section class="auth-page">
            <div class="auth-card">
                <h1>"Log in"</h1>
                <p class="auth-lead">"Welcome back. Log in to see your cart and orders."</p>
                <FormAlert errors />
                <ActionForm action=action>
                    <input type="hidden" name="next" value=next />
                    <TextField
                        name="email"
                        label="Email"
                        input_type="email"
                        autocomplete="email"
                        initial=typed_before("email").unwrap_or_default()
                        errors
                    />
                    <TextField
                        name="password"
                        label="Password"
                        input_type="password"
                        autocomplete="current-password"
                        errors
                    />
                    <button type="submit" class="btn btn-primary btn-block" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Logging in…" } else { "Log in" }}
                    </button>
                </ActionForm>
                <p class="auth-switch">
                    "New to PartWatch? " <a href=register_href>"Create an account"</a>
                </p>
            </div>
        </section>
    }
}

/// `/profile`: the logged-in user's account; change email and password. Visitors are sent to
/// the login page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = use_session();
    view! {
        <Title text="Your profile" />
        <Suspense fallback=|| view! { <p class="loading">"Loading your profile…"</p> }>
            {move || Suspend::new(async move {
                match session.user.await {
                    Ok(Some(user)) => view! { <Profile user /> }.into_any(),
                    Ok(None) => view! { <Redirect path="/login?next=/profile" /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Profile(user: SessionUser) -> impl IntoView {
    let email_action = ServerAction::<UpdateEmail>::new();
    let password_action = ServerAction::<ChangePassword>::new();
    refresh_session_on_success(email_action);
    refresh_session_on_success(password_action);
    let email_errors = action_error(email_action);
    let password_errors = action_error(password_action);
    let query = use_query_map();
    let saved = move || match query.read().get("saved").as_deref() {
        Some("email") => Some("Your email address has been changed."),
        Some("password") => {
            Some("Your password has been changed. Other devices have been logged out.")
        }
        _ => None,
    };
    let new_password = RwSignal::new(String::new());
    let confirm_check = Callback::new(move |value: String| {
        (value != new_password.get_untracked())
            .then(|| "The two passwords do not match.".to_string())
    });
    let is_supplier = user.is_supplier();
    let email_form_account = user.username.clone();
    let password_form_account = user.username.clone();
    view! {
        <section class="page profile-page">
            <header class="page-header">
                <h1>"Your profile"</h1>
                <p class="page-lead">
                    "Logged in as " <strong>{user.username.clone()}</strong> " · "
                    <span class="role-badge">{user.role.label()}</span>
                </p>
            </header>
            {move || saved().map(|m| view! { <div class="notice notice-success" role="status">{m}</div> })}
            <div class="profile-grid">
                <div class="card">
                    <h2>"Email address"</h2>
                    <p class="card-lead">"We send order updates to " <strong>{user.email.clone()}</strong> "."</p>
                    <FormAlert errors=email_errors />
                    <ActionForm action=email_action>
                        // For password managers: which account the password belongs to.
                        <input type="text" class="visually-hidden" autocomplete="username" value=email_form_account readonly tabindex="-1" aria-hidden="true" />
                        <TextField
                            name="email"
                            label="New email"
                            input_type="email"
                            autocomplete="email"
                            initial=user.email.clone()
                            validate=check(|v| Email::parse(v).map(|_| ()))
                            errors=email_errors
                        />
                        <TextField
                            name="current_password"
                            id="email-current-password"
                            label="Current password"
                            input_type="password"
                            autocomplete="current-password"
                            hint="To protect your account, confirm it is you."
                            errors=email_errors
                        />
                        <button type="submit" class="btn btn-primary" disabled=move || email_action.pending().get()>
                            "Change email"
                        </button>
                    </ActionForm>
                </div>
                <div class="card">
                    <h2>"Password"</h2>
                    <p class="card-lead">"Changing it logs you out everywhere else."</p>
                    <FormAlert errors=password_errors />
                    <ActionForm action=password_action>
                        <input type="text" class="visually-hidden" autocomplete="username" value=password_form_account readonly tabindex="-1" aria-hidden="true" />
                        <TextField
                            name="current_password"
                            id="password-current-password"
                            label="Current password"
                            input_type="password"
                            autocomplete="current-password"
                            errors=password_errors
                        />
                        <TextField
                            name="new_password"
                            label="New password"
                            input_type="password"
                            autocomplete="new-password"
                            hint="At least 8 characters."
                            value=new_password
                            validate=check(|v| Password::parse(v).map(|_| ()))
                            errors=password_errors
                        />
                        <TextField
                            name="new_password_confirm"
                            label="Repeat new password"
                            input_type="password"
                            autocomplete="new-password"
                            validate=confirm_check
                            errors=password_errors
                        />
                        <button type="submit" class="btn btn-primary" disabled=move || password_action.pending().get()>
                            "Change password"
                        </button>
                    </ActionForm>
                </div>
                {is_supplier.then(|| view! { <ShopSummary /> })}
            </div>
        </section>
    }
}

/// A supplier's shop at a glance.
#[component]
fn ShopSummary() -> impl IntoView {
    let summary = Resource::new(|| (), |_| supplier_stats());
    view! {
        <div class="card">
            <h2>"Your shop"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(s) => view! {
                            <dl class="stats">
                                <div><dt>"Active listings"</dt><dd data-testid="active-listings">{s.active_listings}</dd></div>
                                <div><dt>"Units in stock"</dt><dd>{s.units_in_stock}</dd></div>
                                <div><dt>"Low on stock"</dt><dd>{s.low_stock_listings}</dd></div>
                                <div><dt>"Archived"</dt><dd>{s.archived_listings}</dd></div>
                            </dl>
                            <a class="btn btn-ghost" href="/listings">"Manage listings"</a>
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
