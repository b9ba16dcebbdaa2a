//! Server functions of the accounts feature.
//!
//! Each reads in one order: who is calling → may they → is the input valid → do it → map the
//! error. All are POST; the ones a form calls redirect when they succeed, so they also work as
//! plain HTML form posts without JavaScript.

use super::SessionUser;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    auth::{
        backend::{session_failed, start_session, Credentials},
        db::{self, UserRow},
        password, safe_next_path, Email, NewAccount, Password,
    },
    error::FieldError,
    server::{
        audit,
        cookies::{cookie_name, request_cookie},
        ctx::Ctx,
        random::{is_valid_key, random_key},
        throttle::Action,
    },
};

/// Checks the caller's current password before a change to the account, counting the
/// attempt per client address and per account.
#[cfg(feature = "ssr")]
async fn check_current_password(cx: &Ctx<UserRow>, current: &str) -> Result<(), AppError> {
    cx.limit(Action::PasswordByAddress).await?;
    cx.limit(Action::PasswordByAccount).await?;
    if password::verify(current, &cx.user.password_hash).await? {
        Ok(())
    } else {
        Err(AppError::field(
            "current_password",
            "Your current password is not correct.",
        ))
    }
}

/// Creates an account and logs it in, then goes to `next` (a path on this site) or home.
/// Anyone may call it.
#[server(endpoint = "register")]
pub async fn register(
    username: String,
    email: String,
    password: String,
    password_confirm: String,
    role: String,
    next: Option<String>,
) -> Result<(), AppError> {
    let mut cx = Ctx::anyone().await?;
    cx.limit(Action::RegisterByAddress).await?;
    let account = NewAccount::parse(&username, &email, &password, &password_confirm, &role)?;
    let hash = password::hash(account.password.expose()).await?;
    let id = db::create_user(
        cx.pool(),
        &account.username,
        &account.email,
        &hash,
        account.role,
    )
    .await
    .map_err(|e| match e {
        db::CreateUserError::EmailTaken => AppError::Conflict(FieldError::new(
            "email",
            "An account with this email already exists. Log in, or use another email.",
        )),
        db::CreateUserError::UsernameTaken => AppError::Conflict(FieldError::new(
            "username",
            "This username is taken. Please choose another one.",
        )),
        db::CreateUserError::UsernameLookAlike => AppError::Conflict(FieldError::new(
            "username",
            "This username looks like one that is taken (letters or digits that look the \
             same, such as 0 and O). Please choose a clearly different one.",
        )),
        db::CreateUserError::Db(e) => e.into(),
    })?;
    let user = db::user_by_id(cx.pool(), id)
        .await?
        .ok_or(AppError::Internal)?;
    start_session(cx.session()?, &user).await?;
    if let Err(error) = crate::vehicles::api::garage_at_login(&cx, id).await {
        tracing::error!(user.id = id, %error, "keeping the vehicle at registration failed");
    }
    tracing::info!(
        user.id = id,
        role = user.role.as_str(),
        "account registered"
    );
    leptos_axum::redirect(&safe_next_path(next.as_deref()));
    Ok(())
}

/// Logs in with email and password, then goes to `next` (a path on this site) or home.
/// Anyone may call it. A wrong password and an unknown email get the same answer.
///
/// Guessing is limited per client address and per account, and a stranger's guesses cannot
/// lock the owner out: a browser that has logged in to the account before (it holds a device
/// cookie) has an allowance of its own, so the owner logs in there while the account's
/// shared allowance is used up by someone else.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let mut cx = Ctx::anyone().await?;
    let mut missing = Vec::new();
    if email.trim().is_empty() {
        missing.push(FieldError::new("email", "Enter your email address."));
    }
    if password.is_empty() {
        missing.push(FieldError::new("password", "Enter your password."));
    }
    if !missing.is_empty() {
        return Err(AppError::Validation(missing));
    }
    if password.chars().count() > 128 || email.len() > 254 {
        return Err(AppError::InvalidCredentials);
    }
    cx.limit(Action::LoginByAddress).await?;
    let account = db::user_by_email(cx.pool(), &email).await?.map(|u| u.id);
    let device = device_cookie(&cx);
    let known_device = match (&device, account) {
        (Some(token), Some(id)) => db::device_owner(cx.pool(), token).await? == Some(id),
        _ => false,
    };
    // The owner's browser counts on its own; everyone else shares the account's allowance.
    let (action, key) = match (&device, known_device) {
        (Some(token), true) => (Action::LoginByDevice, token.clone()),
        _ => (Action::LoginByAccount, email.trim().to_lowercase()),
    };
    cx.limit_key(action, &key).await?;
    let user = cx
        .session()?
        .authenticate(Credentials { email, password })
        .await
        .map_err(|e| match e {
            axum_login::Error::Backend(e) => e,
            axum_login::Error::Session(e) => session_failed(e),
        })?;
    let Some(user) = user else {
        audit::login_failed(cx.address(), account, known_device);
        return Err(AppError::InvalidCredentials);
    };
    // Only failures use up the allowance.
    cx.forgive(action, &key).await;
    // A fresh session id at every login, even when switching accounts.
    start_session(cx.session()?, &user).await?;
    remember_this_device(&cx, user.id, device.filter(|_| known_device)).await?;
    // The vehicle survives login: kept in the garage, or the garage's last one made active.
    // The login itself has succeeded, so a failure here is logged, not shown.
    if let Err(error) = crate::vehicles::api::garage_at_login(&cx, user.id).await {
        tracing::error!(user.id = user.id, %error, "keeping the vehicle at login failed");
    }
    tracing::info!(user.id = user.id, "logged in");
    leptos_axum::redirect(&safe_next_path(next.as_deref()));
    Ok(())
}

/// The device cookie's base name (see [`cookie_name`]).
#[cfg(feature = "ssr")]
const DEVICE_COOKIE: &str = "pw_device";

/// The device token the calling browser sent, if it has the right shape.
#[cfg(feature = "ssr")]
fn device_cookie<U>(cx: &Ctx<U>) -> Option<String> {
    let parts = use_context::<axum::http::request::Parts>()?;
    request_cookie(&parts.headers, DEVICE_COOKIE, cx.config().secure_cookies)
        .filter(|token| is_valid_key(token))
}

/// After a login: remembers the browser for this account (a new device cookie, unless it
/// already holds one for this account), valid a year.
#[cfg(feature = "ssr")]
async fn remember_this_device<U>(
    cx: &Ctx<U>,
    user_id: i64,
    known: Option<String>,
) -> Result<(), AppError> {
    if known.is_some() {
        return Ok(());
    }
    let token = random_key();
    let mut conn = cx.pool().acquire().await?;
    db::remember_device(&mut conn, user_id, &token, crate::time::unix_now()).await?;
    let secure = cx.config().secure_cookies;
    let cookie = format!(
        "{}={token}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
        cookie_name(DEVICE_COOKIE, secure),
        if secure { "; Secure" } else { "" }
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&cookie),
    ) {
        response.append_header(axum::http::header::SET_COOKIE, value);
    }
    Ok(())
}

/// Logs out, deleting the session on the server, then goes home. Anyone may call it.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let mut cx = Ctx::anyone().await?;
    cx.session()?.logout().await.map_err(session_failed)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The logged-in user, or `None` for visitors. Anyone may call it.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    let cx = Ctx::anyone().await?;
    Ok(cx.user.as_ref().map(UserRow::to_session_user))
}

/// Changes the caller's email after checking their current password. Logged-in users only.
#[server(endpoint = "update_email")]
pub async fn update_email(email: String, current_password: String) -> Result<(), AppError> {
    let cx = Ctx::user().await?;
    let email = Email::parse(&email).map_err(|m| AppError::field("email", m))?;
    check_current_password(&cx, &current_password).await?;
    db::update_email(cx.pool(), cx.user.id, &email)
        .await
        .map_err(|e| match e {
            db::CreateUserError::Db(e) => e.into(),
            _ => AppError::Conflict(FieldError::new(
                "email",
                "Another account already uses this email.",
            )),
        })?;
    tracing::info!(user.id = cx.user.id, "email changed");
    leptos_axum::redirect("/profile?saved=email");
    Ok(())
}

/// Changes the caller's password after checking the current one. Ends every other session of
/// the user; this one stays logged in under a new session id. Logged-in users only.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_confirm: String,
) -> Result<(), AppError> {
    let mut cx = Ctx::user().await?;
    let new = Password::parse(&new_password).map_err(|m| AppError::field("new_password", m))?;
    if new_password != new_password_confirm {
        return Err(AppError::field(
            "new_password_confirm",
            "The two passwords do not match.",
        ));
    }
    check_current_password(&cx, &current_password).await?;
    let hash = password::hash(new.expose()).await?;
    db::update_password_hash(cx.pool(), cx.user.id, &hash).await?;
    let updated = db::user_by_id(cx.pool(), cx.user.id)
        .await?
        .ok_or(AppError::Internal)?;
    // Other sessions hold the old hash and are logged out on their next request.
    start_session(cx.session()?, &updated).await?;
    tracing::info!(user.id = cx.user.id, "password changed");
    leptos_axum::redirect("/profile?saved=password");
    Ok(())
}
