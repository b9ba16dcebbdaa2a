//! Form building blocks with inline validation.
//!
//! A field validates what is typed with the same shared rules the server applies, shows the
//! message beside the field once the user has left it, and hands the message to the browser
//! (`setCustomValidity`), so a form with a bad field is not sent. Errors the server returns are
//! shown in the same place, with and without JavaScript.

use crate::error::AppError;
use leptos::prelude::*;

/// A labelled input with its inline error message.
#[component]
pub fn TextField(
    /// The form field name (the server function argument).
    name: &'static str,
    /// The visible label.
    label: &'static str,
    /// The element id, when one page has two fields of the same name (default `field-<name>`).
    #[prop(optional)]
    id: Option<&'static str>,
    /// The input type.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The browser autocomplete hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// A short help text under the field.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The value shown at first.
    #[prop(optional, into)]
    initial: Option<String>,
    /// Receives the value as it is typed.
    #[prop(optional)]
    value: Option<RwSignal<String>>,
    /// Checks the value; returns the message if it is not valid.
    #[prop(optional)]
    validate: Option<Callback<String, Option<String>>>,
    /// The error the server reported for the last submission, if any.
    #[prop(into)]
    errors: Signal<Option<AppError>>,
    /// Whether the field must be filled.
    #[prop(default = true)]
    required: bool,
) -> impl IntoView {
    let client_error = RwSignal::new(None::<String>);
    let touched = RwSignal::new(false);
    let id = id.map_or_else(|| format!("field-{name}"), str::to_string);
    let message_id = format!("{id}-msg");
    let server_error = move || errors.get().and_then(|e| e.field_message(name));
    let message = move || {
        touched
            .get()
            .then(|| client_error.get())
            .flatten()
            .or_else(server_error)
    };
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        if let Some(value) = value {
            value.set(text.clone());
        }
        let problem = validate.and_then(|check| check.run(text));
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        input.set_custom_validity(problem.as_deref().unwrap_or(""));
        client_error.set(problem);
    };
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                required=required
                value=initial
                aria-invalid=move || if message().is_some() { "true" } else { "false" }
                aria-describedby=message_id.clone()
                on:input=on_input
                on:blur=move |_| touched.set(true)
            />
            {hint.map(|h| view! { <p class="field-hint">{h}</p> })}
            <p class="field-error" id=message_id aria-live="polite">
                {message}
            </p>
        </div>
    }
}

/// The message for the whole form after a failed submission (per-field messages stand beside
/// their fields instead).
#[component]
pub fn FormAlert(#[prop(into)] errors: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        errors.get().and_then(|e| e.form_message()).map(|message| {
            view! {
                <div class="notice notice-error form-alert" role="alert">
                    {message}
                </div>
            }
        })
    }
}

/// The choice between buying and selling at registration.
#[component]
pub fn RoleChoice(#[prop(into)] errors: Signal<Option<AppError>>) -> impl IntoView {
    let message = move || errors.get().and_then(|e| e.field_message("role"));
    let supplier = typed_before("role").as_deref() == Some("supplier");
    view! {
        <fieldset class="field role-choice">
            <legend>"I want to"</legend>
            <label class="role-option">
                <input type="radio" name="role" value="customer" checked=!supplier />
                <span class="role-option-body">
                    <strong>"Buy parts"</strong>
                    <small>"Customer account: search, order and track deliveries."</small>
                </span>
            </label>
            <label class="role-option">
                <input type="radio" name="role" value="supplier" checked=supplier />
                <span class="role-option-body">
                    <strong>"Sell parts"</strong>
                    <small>"Supplier account: list parts, manage stock, ship orders."</small>
                </span>
            </label>
            <p class="field-error" aria-live="polite">
                {message}
            </p>
        </fieldset>
    }
}

/// What was typed into the field `name` before a failed form post without JavaScript (the
/// server sends it back with the form; passwords never). Only known while the server renders
/// the page; in the browser the field already holds it.
pub fn typed_before(name: &str) -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::server::form_echo::echoed(name)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = name;
        None
    }
}

/// The error of an action's last result, as a signal for form fields.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}
