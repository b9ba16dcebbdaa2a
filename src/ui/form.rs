//! Form building blocks with inline validation.
//!
//! A field validates what is typed with the same shared rules the server applies, shows the
//! message beside the field once the user has left it, and hands the message to the browser
//! (`setCustomValidity`), so a form with a bad field is not sent. Errors the server returns are
//! shown in the same place, with and without JavaScript.

use crate::error::AppError;
use leptos::{prelude::*, server_fn::ServerFn};

/// What a [`Field`] is made of.
#[derive(Clone, Debug, PartialEq)]
pub enum Control {
    /// `<input>` of this type (`"text"`, `"email"`, `"password"`, …).
    Input(&'static str),
    /// `<textarea>` with this many rows; its first text is the field's `initial`.
    TextArea(u32),
    /// `<select>` of `(value, label)` options; the option whose value is the field's
    /// `initial` is chosen.
    Select(Vec<(String, String)>),
}

impl Default for Control {
    fn default() -> Self {
        Control::Input("text")
    }
}

/// A labelled form field (input, textarea or select) with its hint and its message: the
/// client-side check's once the field has been left, else the server's for this `name`.
///
/// The label names the control (`for`), `aria-invalid` says whether there is a message, and
/// `aria-describedby` points at the hint and the message (`<id>-hint`, `<id>-msg`).
#[component]
pub fn Field(
    /// The form field name (the server function argument).
    name: &'static str,
    /// The visible label.
    label: &'static str,
    /// The element id, when it is not `field-<name>` (e.g. two fields of one name on a page).
    #[prop(optional)]
    id: Option<&'static str>,
    /// Input (of a type), textarea or select; a text input by default.
    #[prop(optional)]
    control: Control,
    /// The browser autocomplete hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// The on-screen keyboard to offer (`decimal`, `numeric`).
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// A sample of what to type, shown while the field is empty.
    #[prop(optional)]
    placeholder: Option<&'static str>,
    /// The most characters the field takes.
    #[prop(optional)]
    maxlength: Option<usize>,
    /// A short help text under the field.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The value shown at first (none for passwords).
    #[prop(optional, into)]
    initial: Option<String>,
    /// Told the value as it is typed.
    #[prop(optional, into)]
    on_input: Option<Callback<String>>,
    /// Checks the value; returns the message if it is not valid.
    #[prop(optional)]
    validate: Option<Callback<String, Option<String>>>,
    /// The error the server reported for the last submission, if any; its message for `name`
    /// is shown.
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
    let hint_id = format!("{id}-hint");
    let described_by = match hint {
        Some(_) => format!("{hint_id} {message_id}"),
        None => message_id.clone(),
    };
    let server_error = move || errors.get().and_then(|e| e.field_message(name));
    let message = move || {
        touched
            .get()
            .then(|| client_error.get())
            .flatten()
            .or_else(server_error)
    };
    let invalid = move || if message().is_some() { "true" } else { "false" };
    let typed = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        let problem = validate.and_then(|check| check.run(text.clone()));
        set_custom_validity(&ev, problem.as_deref().unwrap_or(""));
        client_error.set(problem);
        if let Some(on_input) = on_input {
            on_input.run(text);
        }
    };
    let left = move |_| touched.set(true);
    let maxlength = maxlength.map(|n| n.to_string());
    let control = match control {
        Control::Input(kind) => view! {
            <input id=id.clone() name=name type=kind autocomplete=autocomplete inputmode=inputmode placeholder=placeholder maxlength=maxlength required=required value=initial aria-invalid=invalid aria-describedby=described_by on:input=typed on:blur=left />
        }
        .into_any(),
        Control::TextArea(rows) => view! {
            <textarea id=id.clone() name=name rows=rows autocomplete=autocomplete placeholder=placeholder maxlength=maxlength required=required aria-invalid=invalid aria-describedby=described_by on:input=typed on:blur=left>
                {initial}
            </textarea>
        }
        .into_any(),
        Control::Select(options) => view! {
            <select id=id.clone() name=name required=required aria-invalid=invalid aria-describedby=described_by on:input=typed on:blur=left>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let selected = initial.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
    };
    view! {
        <div class="field" class:field-invalid=move || message().is_some()>
            <label for=id>{label}</label>
            {control}
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h}</p> })}
            <p class="field-error" id=message_id aria-live="polite">
                {message}
            </p>
        </div>
    }
}

/// Hands a field's message to the browser, which then refuses to send the form.
fn set_custom_validity(ev: &leptos::ev::Event, message: &str) {
    use wasm_bindgen::JsCast;
    let Some(target) = ev.target() else {
        return;
    };
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_custom_validity(message);
    } else if let Some(area) = target.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_custom_validity(message);
    } else if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        select.set_custom_validity(message);
    }
}

/// A form's primary button, disabled and relabelled while the form is being sent.
#[component]
pub fn SubmitButton(
    /// Whether the form is being sent (the action's `pending()`).
    #[prop(into)]
    pending: Signal<bool>,
    /// The button's text.
    label: &'static str,
    /// Its text while the form is being sent, e.g. "Logging in…".
    busy: &'static str,
    /// As wide as the form.
    #[prop(optional)]
    block: bool,
) -> impl IntoView {
    view! {
        <button type="submit" class="btn btn-primary" class:btn-block=block disabled=pending>
            {move || if pending.get() { busy } else { label }}
        </button>
    }
}

/// A field check from a shared parser: the parser's message when the value is not valid.
pub fn check<T: 'static>(parse: fn(&str) -> Result<T, String>) -> Callback<String, Option<String>> {
    Callback::new(move |value: String| parse(&value).err())
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
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// Runs `then` with the result each time `action` succeeds (in the browser: after a
/// submission made with JavaScript).
pub fn on_success<S>(action: ServerAction<S>, then: impl Fn(S::Output) + 'static)
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(output)) = action.value().get() {
            then(output);
        }
    });
}

/// A reference for an `<ActionForm node_ref=…>` that empties the form (back to the values it
/// was drawn with) each time `action` succeeds, so the next entry starts afresh; after an error
/// the values stay, to be corrected. Make it where the form's page is made, not inside a view
/// drawn again when the action's data reloads. Without JavaScript the page after a post is
/// drawn anew, empty.
pub fn cleared_on_success<S>(action: ServerAction<S>) -> NodeRef<leptos::html::Form>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    let form = NodeRef::<leptos::html::Form>::new();
    on_success(action, move |_| {
        if let Some(form) = form.get_untracked() {
            form.reset();
        }
    });
    form
}

/// The error of the last submission this page made to `action` with JavaScript. A plain form
/// post's error arrives with the page instead, and [`PostErrorNotice`](super::notice::PostErrorNotice)
/// shows it once.
pub fn own_error<S>(action: ServerAction<S>) -> Option<AppError>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    (action.version().get() > 0)
        .then(|| action.value().get().and_then(Result::err))
        .flatten()
}

/// The error a plain (no-JavaScript) form post to `action` came back to this page with.
pub fn posted_error<S>(action: ServerAction<S>) -> Option<AppError>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    (action.version().get() == 0)
        .then(|| action.value().get().and_then(Result::err))
        .flatten()
}

/// What to tell the user about `error`: its message for `field` when it has one; else, when
/// it is about one field only, that field's message (a form without JavaScript shows it
/// above the page, away from the field); else its general message.
pub fn error_text(error: &AppError, field: Option<&str>) -> String {
    let only_field = || match error {
        AppError::Validation(fields) if fields.len() == 1 => Some(fields[0].message.clone()),
        _ => None,
    };
    field
        .and_then(|field| error.field_message(field))
        .or_else(only_field)
        .unwrap_or_else(|| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::error_text;
    use crate::error::{AppError, FieldError};

    #[test]
    fn a_refusal_about_one_field_says_what_is_wrong_with_it() {
        let one = AppError::field("make", "Enter the make.");
        assert_eq!(error_text(&one, None), "Enter the make.");
        assert_eq!(error_text(&one, Some("make")), "Enter the make.");
        let two = AppError::Validation(vec![
            FieldError::new("make", "Enter the make."),
            FieldError::new("model", "Enter the model."),
        ]);
        assert_eq!(error_text(&two, Some("model")), "Enter the model.");
        assert_eq!(
            error_text(&two, None),
            "Please correct the highlighted fields."
        );
        let other = AppError::NotFound("Gone.".into());
        assert_eq!(error_text(&other, Some("make")), other.to_string());
    }
}
