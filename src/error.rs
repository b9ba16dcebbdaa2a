//! `AppError`: the one error type of PartWatch.
//!
//! It crosses the server-function boundary (it is serialised as JSON), names the HTTP status it
//! stands for, and carries only messages a user may read. Internal details are logged on the
//! server and never put into an `AppError`.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A message about one form field, shown beside that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's `name`.
    pub field: String,
    /// What is wrong and what to do, in plain words.
    pub message: String,
}

impl FieldError {
    /// A message for the field called `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every error a user can see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Not logged in (401).
    #[error("Please log in to continue.")]
    Unauthorized,
    /// Wrong email or password (401). Deliberately the same whether the email exists or not.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    /// Logged in, but not allowed to do this (403).
    #[error("{0}")]
    Forbidden(String),
    /// The thing does not exist, or is not the caller's to see (404).
    #[error("{0}")]
    NotFound(String),
    /// The input clashes with existing data, e.g. a taken email (409).
    #[error("{}", .0.message)]
    Conflict(FieldError),
    /// One or more fields are invalid (422).
    #[error("Please correct the highlighted fields.")]
    Validation(Vec<FieldError>),
    /// Too many attempts; try again after this many seconds (429).
    #[error("Too many attempts. Please wait {} and try again.", wait_in_words(*.0))]
    RateLimited(u64),
    /// The request could not be read or sent (400 on the server, a network problem in the
    /// browser).
    #[error("{0}")]
    BadRequest(String),
    /// Something failed on the server; the details are in the log (500).
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
}

/// A wait in seconds as people say it: "45 seconds", "1 minute", "10 minutes".
fn wait_in_words(seconds: u64) -> String {
    match seconds {
        0..=1 => "a second".to_string(),
        2..=90 => format!("{seconds} seconds"),
        _ => {
            let minutes = seconds.div_ceil(60);
            format!("{minutes} minutes")
        }
    }
}

impl AppError {
    /// The HTTP status code this error stands for.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::Validation(_) => 422,
            AppError::RateLimited(_) => 429,
            AppError::BadRequest(_) => 400,
            AppError::Internal => 500,
        }
    }

    /// A validation error about a single field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    /// The message for the form field `name`, if this error has one.
    pub fn field_message(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation(fields) => fields
                .iter()
                .find(|f| f.field == name)
                .map(|f| f.message.clone()),
            AppError::Conflict(f) if f.field == name => Some(f.message.clone()),
            _ => None,
        }
    }

    /// The message for the whole form: every error except per-field ones, which are shown
    /// beside their fields.
    pub fn form_message(&self) -> Option<String> {
        match self {
            AppError::Conflict(_) => None,
            other => Some(other.to_string()),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::BadRequest(
                "We could not reach PartWatch. Check your connection and try again.".into(),
            ),
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::Serialization(_) => AppError::BadRequest(
                "The form could not be read. Please reload the page and try again.".into(),
            ),
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<tokio::task::JoinError> for AppError {
    fn from(err: tokio::task::JoinError) -> Self {
        tracing::error!(error = %err, "background task failed");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_people_say_them() {
        let message = |wait| AppError::RateLimited(wait).to_string();
        assert_eq!(
            message(1),
            "Too many attempts. Please wait a second and try again."
        );
        assert_eq!(
            message(45),
            "Too many attempts. Please wait 45 seconds and try again."
        );
        assert_eq!(
            message(596),
            "Too many attempts. Please wait 10 minutes and try again."
        );
        assert_eq!(
            message(3599),
            "Too many attempts. Please wait 60 minutes and try again."
        );
    }

    #[test]
    fn field_messages_are_found_by_name() {
        let err = AppError::Validation(vec![
            FieldError::new("email", "Enter a valid email address."),
            FieldError::new("password", "Too short."),
        ]);
        assert_eq!(
            err.field_message("email").as_deref(),
            Some("Enter a valid email address.")
        );
        assert_eq!(err.field_message("username"), None);
        assert_eq!(err.status(), 422);
    }

    #[test]
    fn conflict_is_shown_beside_its_field_only() {
        let err = AppError::Conflict(FieldError::new("email", "Taken."));
        assert_eq!(err.field_message("email").as_deref(), Some("Taken."));
        assert_eq!(err.form_message(), None);
        assert_eq!(err.status(), 409);
    }

    #[test]
    fn survives_the_wire() {
        let err = AppError::Validation(vec![FieldError::new("a", "b")]);
        let back = AppError::de(err.ser());
        assert_eq!(back, err);
    }
}
