//! Register, login and profile pages. Every form is a plain HTML form that works without
//! JavaScript and, once hydrated, submits without a page reload.

use super::{
    api::{ChangePassword, Login, Register, UpdateEmail},
    session::{refresh_session_on_success, use_session},
    Email, Password, SessionUser, Username,
};
use crate::{
    error::AppError,
    parts::api::supplier_stats,
    ui::{
        form::{action_error, check, typed_before},
        layout::with_next,
        Control, ErrorNotice, Field, FormAlert, RoleChoice, SubmitButton,
    },
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::Redirect, hooks::use_query_map};

/// The check of a "repeat password" field: it must match what `password` holds.
fn same_as(password: RwSignal<String>) -> Callback<String, Option<String>> {
    Callback::new(move |value: String| {
        (value != password.get_untracked()).then(|| "The two passwords do not match.".to_string())
    })
}

/// The card around the register and login forms: title, lead, the form's alert, the form
/// (`children`) and the way to the other form, each keeping `?next=`.
#[component]
fn AuthCard(
    title: &'static str,
    description: &'static str,
    lead: &'static str,
    errors: Signal<Option<AppError>>,
    /// The text before the link to the other form, its path and its label.
    switch: (&'static str, &'static str, &'static str),
    children: Children,
) -> impl IntoView {
    let query = use_query_map();
    let (switch_text, switch_path, switch_label) = switch;
    let switch_href = move || with_next(switch_path, query.read().get("next").as_deref());
    view! {
        <Title text=title />
        <Meta name="description" content=description />
        <section class="auth-page">
            <div class="auth-card">
                <h1>{title}</h1>
                <p class="auth-lead">{lead}</p>
                <FormAlert errors />
                {children()}
                <p class="auth-switch">
                    {switch_text}<a href=switch_href>{switch_label}</a>
                </p>
            </div>
        </section>
    }
}

/// Where to go after the form: the page's `?next=`, carried by the form.
#[component]
fn NextField() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! { <input type="hidden" name="next" value=next /> }
}

/// The email field of the register and login forms, with what was typed before a failed post.
#[component]
fn EmailField(
    errors: Signal<Option<AppError>>,
    /// Check the address while it is typed (not at login, which answers one message for all).
    #[prop(optional)]
    checked: bool,
) -> impl IntoView {
    view! {
        <Field
            name="email"
            label="Email"
            control=Control::Input("email")
            autocomplete="email"
            initial=typed_before("email").unwrap_or_default()
            validate=Callback::new(move |value: String| if checked { Email::parse(&value).err() } else { None })
            errors
        />
    }
}

/// `/register`: create a customer or supplier account.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    refresh_session_on_success(action);
    let errors = action_error(action);
    let password = RwSignal::new(String::new());
    view! {
        <AuthCard
            title="Create your account"
            description="Create a PartWatch account to buy or sell car parts."
            lead="Buy parts from trusted suppliers, or open your own shop."
            errors
            switch=("Already have an account? ", "/login", "Log in")
        >
            <ActionForm action=action>
                <NextField />
                <Field
                    name="username"
                    label="Username"
                    autocomplete="username"
                    initial=typed_before("username").unwrap_or_default()
                    hint="3–32 letters, digits, '_', '-' or '.'. Shown to other users."
                    validate=check(Username::parse)
                    errors
                />
                <EmailField errors checked=true />
                <Field
                    name="password"
                    label="Password"
                    control=Control::Input("password")
                    autocomplete="new-password"
                    hint="At least 8 characters. A passphrase of a few words is easy to remember."
                    on_input=move |text: String| password.set(text)
                    validate=check(Password::parse)
                    errors
                />
                <Field
                    name="password_confirm"
                    label="Repeat password"
                    control=Control::Input("password")
                    autocomplete="new-password"
                    validate=same_as(password)
                    errors
                />
                <RoleChoice errors />
                <SubmitButton pending=action.pending() label="Create account" busy="Creating account…" block=true />
            </ActionForm>
        </AuthCard>
    }
}

/// `/login`: log in with email and password, then return to `?next=`.
#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    refresh_session_on_success(action);
    let errors = action_error(action);
    view! {
        <AuthCard
            title="Log in"
            description="Log in to your PartWatch account."
            lead="Welcome back. Log in to see your cart and orders."
            errors
            switch=("New to PartWatch? ", "/register", "Create an account")
        >
            <ActionForm action=action>
                <NextField />
                <EmailField errors />
                <Field
                    name="password"
                    label="Password"
                    control=Control::Input("password")
                    autocomplete="current-password"
                    errors
                />
                <SubmitButton pending=action.pending() label="Log in" busy="Logging in…" block=true />
            </ActionForm>
        </AuthCard>
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
                        <Field
                            name="email"
                            label="New email"
                            control=Control::Input("email")
                            autocomplete="email"
                            initial=user.email.clone()
                            validate=check(Email::parse)
                            errors=email_errors
                        />
                        <Field
                            name="current_password"
                            id="email-current-password"
                            label="Current password"
                            control=Control::Input("password")
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
                        <Field
                            name="current_password"
                            id="password-current-password"
                            label="Current password"
                            control=Control::Input("password")
                            autocomplete="current-password"
                            errors=password_errors
                        />
                        <Field
                            name="new_password"
                            label="New password"
                            control=Control::Input("password")
                            autocomplete="new-password"
                            hint="At least 8 characters."
                            on_input=move |text: String| new_password.set(text)
                            validate=check(Password::parse)
                            errors=password_errors
                        />
                        <Field
                            name="new_password_confirm"
                            label="Repeat new password"
                            control=Control::Input("password")
                            autocomplete="new-password"
                            validate=same_as(new_password)
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
