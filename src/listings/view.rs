//! `/listings` (the supplier's table with inline editing) and `/listings/new`,
//! `/listings/:id/edit` (the listing form with picture upload and preview).

use super::{
    api::{listing_form, my_listings, ArchiveListing, RestoreListing, UpdateListingField},
    parse_price, parse_stock, ListingFormState, ListingRow,
};
use crate::{
    error::AppError,
    parts::{image_url, thumb_url, DeliveryEstimate},
    ui::{
        form::on_success, use_route_id, ByIdPage, Control, EmptyState, ErrorNotice, Field,
        LoginGate, RouteId,
    },
};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

/// What customers see on the supplier's pages.
const FOR_SUPPLIERS: &str = "Listings are for supplier accounts";

/// `/listings`: the supplier's own listings.
#[component]
pub fn ListingsPage() -> impl IntoView {
    view! { <Title text="Your listings" /> <LoginGate suppliers_only=FOR_SUPPLIERS><ListingsTable /></LoginGate> }
}

#[component]
fn ListingsTable() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let q = move || query.read().get("q").unwrap_or_default();
    let archived_view = move || status() == "archived";
    // Bumped when a row leaves the current view (archived or restored).
    let changed = RwSignal::new(0u32);
    let rows = Resource::new(
        move || (status(), q(), changed.get()),
        |(status, q, _)| my_listings(status, q),
    );
    let saved = move || query.read().get("saved").is_some();
    view! {
        <section class="page listings-page">
            <header class="listings-head">
                <div>
                    <h1>"Your listings"</h1>
                    <p class="page-lead">"Change price and stock right in the table; changes save as you leave the field."</p>
                </div>
                <div class="listings-head-actions">
                    <a class="btn btn-ghost" href="/demand">"What customers could not find"</a>
                    <a class="btn btn-primary" href="/listings/new">"+ New listing"</a>
                </div>
            </header>
            {move || saved().then(|| view! { <div class="notice notice-success" role="status">"Your listing has been saved."</div> })}
            <Form method="GET" action="/listings">
                <div class="listings-tools">
                    <nav class="tabs" aria-label="Listing status">
                        <a class="tab" class:active=move || !archived_view() href="/listings">"Active"</a>
                        <a class="tab" class:active=archived_view href="/listings?status=archived">"Archived"</a>
                    </nav>
                    {move || archived_view().then(|| view! { <input type="hidden" name="status" value="archived" /> })}
                    <label class="visually-hidden" for="listing-q">"Search your listings"</label>
                    <input id="listing-q" type="search" name="q" placeholder="Search your listings" value=q />
                    <button type="submit" class="btn btn-ghost">"Search"</button>
                </div>
            </Form>
            <Transition fallback=|| view! { <p class="loading">"Loading your listings…"</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) if rows.is_empty() => view! {
                            <EmptyState
                                title={if archived_view() { "No archived listings" } else { "No listings here yet" }}
                                text="List a part with a photo, price and stock, and it appears in the catalogue."
                            >
                                <a class="btn btn-primary" href="/listings/new">"Create a listing"</a>
                            </EmptyState>
                        }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-wrap">
                                <table class="listings-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Part"</th>
                                            <th scope="col">"Price (€)"</th>
                                            <th scope="col">"Stock"</th>
                                            <th scope="col">"Availability"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Fitment"</th>
                                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows.into_iter().map(|row| view! { <ListingLine row changed /> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// What an inline edit is doing.
#[derive(Clone, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved,
    Failed(String),
}

/// One listing in the table, with inline price and stock editing.
#[component]
fn ListingLine(row: ListingRow, changed: RwSignal<u32>) -> impl IntoView {
    let id = row.id;
    let (fitment_mark, fitment_ok) = row.fitment_mark();
    let stock_now = RwSignal::new(row.stock);
    let availability = move || crate::parts::Availability::from_stock(stock_now.get());
    let archive = ServerAction::<ArchiveListing>::new();
    let restore = ServerAction::<RestoreListing>::new();
    on_success(archive, move |()| changed.update(|n| *n += 1));
    on_success(restore, move |()| changed.update(|n| *n += 1));
    let action_error = move || {
        archive
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| restore.value().get().and_then(Result::err))
            .map(|e| e.to_string())
    };
    let on_archive = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let sure = window()
            .confirm_with_message(
                "Archive this listing? It leaves the catalogue; you can restore it any time.",
            )
            .unwrap_or(false);
        if sure {
            archive.dispatch(ArchiveListing { id });
        }
    };
    let on_restore = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        restore.dispatch(RestoreListing { id });
    };
    let archived = row.archived;
    view! {
        <tr class="listing-row" class:low-stock=move || matches!(availability(), crate::parts::Availability::LowStock) class:no-stock=move || stock_now.get() == 0>
            <td>
                <div class="listing-part">
                    <img src=thumb_url(row.image_key.as_deref()) alt="" width="80" height="60" />
                    <div>
                        <a class="listing-name" href=format!("/listings/{id}/edit")>{row.name.clone()}</a>
                        <p class="muted">{row.manufacturer.clone()} " · " {row.model.clone()}</p>
                    </div>
                </div>
            </td>
            <td>
                <InlineEdit
                    id
                    field="price"
                    label=format!("Price of {}", row.name)
                    initial=row.price.euros_input()
                    check=|text| parse_price(text).map(|_| ())
                />
            </td>
            <td>
                <InlineEdit
                    id
                    field="stock"
                    label=format!("Stock of {}", row.name)
                    initial=row.stock.to_string()
                    check=|text| parse_stock(text).map(|_| ())
                    on_saved=Callback::new(move |saved: String| {
                        if let Ok(n) = saved.parse() {
                            stock_now.set(n);
                        }
                    })
                />
            </td>
            <td>
                <span class=move || availability().css_class()>{move || availability().label()}</span>
            </td>
            <td>
                {if archived {
                    view! { <span class="badge badge-off">"Archived"</span> }
                } else {
                    view! { <span class="badge badge-ok">"Active"</span> }
                }}
            </td>
            <td>
                <a
                    class=if fitment_ok { "badge badge-ok fitment-mark" } else { "badge badge-warn fitment-mark" }
                    href=format!("/listings/{id}/fitment")
                    data-testid="fitment-mark"
                    title="Vehicle ranges it fits (model and years): customers see the answer on every card; without any, they read “No fitment data”"
                >
                    {fitment_mark}
                </a>
            </td>
            <td class="listing-actions">
                <a class="btn btn-ghost btn-small" href=format!("/listings/{id}/edit")>"Edit"</a>
                <a class="btn btn-ghost btn-small" href=format!("/listings/{id}/fitment")>"Fitment"</a>
                {if archived {
                    view! {
                        <form method="post" action=RestoreListing::url()>
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="btn btn-ghost btn-small" on:click=on_restore disabled=move || restore.pending().get()>"Restore"</button>
                        </form>
                    }.into_any()
                } else {
                    view! {
                        <form method="post" action=ArchiveListing::url()>
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="btn btn-ghost btn-small btn-danger" on:click=on_archive disabled=move || archive.pending().get()>"Archive"</button>
                        </form>
                    }.into_any()
                }}
                {move || action_error().map(|m| view! { <p class="field-error">{m}</p> })}
            </td>
        </tr>
    }
}

/// An inline editor for one field of a listing: saves when the field is left (or Enter is
/// pressed), shows saving/saved/error, and puts the last saved value back when saving fails.
/// Without JavaScript it is a small form that posts the one field.
#[component]
fn InlineEdit(
    id: i64,
    /// `price` or `stock`.
    field: &'static str,
    label: String,
    initial: String,
    /// The same check the server applies, for an instant answer.
    check: fn(&str) -> Result<(), String>,
    /// Told the value as saved.
    #[prop(optional)]
    on_saved: Option<Callback<String>>,
) -> impl IntoView {
    let action = ServerAction::<UpdateListingField>::new();
    let last_saved = RwSignal::new(initial.clone());
    let text = RwSignal::new(initial.clone());
    let state = RwSignal::new(SaveState::Idle);
    Effect::new(move |_| {
        if action.pending().get() {
            return;
        }
        match action.value().get() {
            Some(Ok(saved)) => {
                last_saved.set(saved.clone());
                text.set(saved.clone());
                state.set(SaveState::Saved);
                if let Some(on_saved) = on_saved {
                    on_saved.run(saved);
                }
            }
            Some(Err(e)) => {
                text.set(last_saved.get_untracked());
                state.set(SaveState::Failed(
                    e.field_message("value").unwrap_or_else(|| e.to_string()),
                ));
            }
            None => {}
        }
    });
    let save = move || {
        let typed = text.get_untracked();
        if typed.trim() == last_saved.get_untracked() {
            return;
        }
        if let Err(message) = check(&typed) {
            text.set(last_saved.get_untracked());
            state.set(SaveState::Failed(message));
            return;
        }
        state.set(SaveState::Saving);
        action.dispatch(UpdateListingField {
            id,
            field: field.to_string(),
            value: typed,
        });
    };
    let input_id = format!("{field}-{id}");
    view! {
        <form method="post" action=UpdateListingField::url() class="inline-edit" on:submit=move |ev| {
            ev.prevent_default();
            save();
        }>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="field" value=field />
            <label class="visually-hidden" for=input_id.clone()>{label}</label>
            <input
                id=input_id
                name="value"
                type="text"
                inputmode=if field == "price" { "decimal" } else { "numeric" }
                class="inline-input"
                data-testid=format!("inline-{field}")
                value=initial
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:change=move |_| save()
            />
            <SaveStatus state />
        </form>
    }
}

#[component]
fn SaveStatus(state: RwSignal<SaveState>) -> impl IntoView {
    move || match state.get() {
        SaveState::Idle => ().into_any(),
        SaveState::Saving => view! { <span class="save-state saving">"Saving…"</span> }.into_any(),
        SaveState::Saved => view! { <span class="save-state saved">"Saved ✓"</span> }.into_any(),
        SaveState::Failed(message) => {
            view! { <span class="save-state failed" role="alert">{message}</span> }.into_any()
        }
    }
}

/// `/listings/new` and `/listings/:id/edit`: the listing form.
#[component]
pub fn ListingFormPage() -> impl IntoView {
    view! { <LoginGate suppliers_only=FOR_SUPPLIERS><ListingEditor /></LoginGate> }
}

#[component]
fn ListingEditor() -> impl IntoView {
    let id = use_route_id();
    // After a failed POST the server renders this page with what was submitted; the resource
    // carries it to the browser, so hydration sees the same form.
    #[cfg(feature = "ssr")]
    let submitted = use_context::<super::SubmittedListing>().map(|s| s.0);
    #[cfg(not(feature = "ssr"))]
    let submitted: Option<ListingFormState> = None;
    let form = Resource::new(id, move |id| {
        let submitted = submitted.clone();
        async move {
            match (submitted, id) {
                (Some(state), _) => Ok(state),
                (None, RouteId::Absent) => listing_form(None).await,
                (None, id) => listing_form(Some(id.or_not_found("No such listing.")?)).await,
            }
        }
    });
    view! { <ByIdPage item=form loading="Loading the form…" render=|state| async move { view! { <ListingForm state /> } } /> }
}

#[component]
fn ListingForm(state: ListingFormState) -> impl IntoView {
    let (title, action, button) = match state.id {
        Some(id) => (
            "Edit listing",
            format!("/listings/{id}/edit"),
            "Save changes",
        ),
        None => (
            "New listing",
            "/listings/new".to_string(),
            "Publish listing",
        ),
    };
    let preview = RwSignal::new(state.image_key.as_deref().map(|k| image_url(Some(k))));
    let image_error = RwSignal::new(state.error("image"));
    let on_file = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        if file.size() > super::MAX_IMAGE_BYTES as f64 {
            let message = "The image is larger than 5 MB. Please choose a smaller one.";
            input.set_custom_validity(message);
            image_error.set(Some(message.into()));
            return;
        }
        input.set_custom_validity("");
        image_error.set(None);
        if let Ok(url) = web_sys::Url::create_object_url_with_blob(&file) {
            preview.set(Some(url));
        }
    };
    let input = state.input.clone();
    let has_image = state.image_key.is_some();
    let form_error = state.form_error.clone();
    let errors = Signal::stored(Some(AppError::Validation(state.errors.clone())));
    let deliveries = DeliveryEstimate::ALL
        .into_iter()
        .map(|d| (d.as_str().to_string(), d.label().to_string()))
        .collect();
    view! {
        <Title text=title />
        <section class="page listing-form-page">
            <nav class="breadcrumbs"><a href="/listings">"Your listings"</a> " / " {title}</nav>
            <h1>{title}</h1>
            {form_error.map(|m| view! { <div class="notice notice-error" role="alert">{m}</div> })}
            <form class="card listing-form" method="post" enctype="multipart/form-data" action=action>
                <div class="form-grid">
                    <div class="form-main">
                        <Field name="name" label="Name" initial=input.name.clone() errors hint="What a buyer searches for, e.g. “Brake disc, front, vented, 312 mm”." maxlength=150 />
                        <div class="form-row">
                            <Field name="manufacturer" label="Manufacturer" initial=input.manufacturer.clone() errors maxlength=100 />
                            <Field name="model" label="Model or part number" initial=input.model.clone() errors maxlength=100 />
                        </div>
                        <Field name="description" label="Description" control=Control::TextArea(7) initial=input.description.clone() errors hint="Fitment, dimensions, condition, what is in the box." maxlength=5000 />
                        <div class="form-row">
                            <Field name="price" label="Price (€)" initial=input.price.clone() errors hint="e.g. 64.90" inputmode="decimal" maxlength=20 />
                            <Field name="stock" label="In stock" initial=input.stock.clone() errors inputmode="numeric" maxlength=10 />
                        </div>
                        <Field name="delivery" label="Delivery time" control=Control::Select(deliveries) initial=input.delivery.clone() errors required=false />
                    </div>
                    <div class="form-side">
                        <div class="field" class:field-invalid=move || image_error.get().is_some()>
                            <span class="field-label">"Photo"</span>
                            <div class="image-preview">
                                {move || match preview.get() {
                                    Some(src) => view! { <img src=src alt="Preview of the photo" data-testid="image-preview" /> }.into_any(),
                                    None => view! { <img src=image_url(None) alt="No photo yet" /> }.into_any(),
                                }}
                            </div>
                            <label class="btn btn-ghost btn-block file-button" for="field-image">
                                {if has_image { "Replace photo" } else { "Choose a photo" }}
                            </label>
                            <input id="field-image" class="file-input" type="file" name="image" accept="image/jpeg,image/png,image/webp,image/gif" on:change=on_file />
                            <p class="field-hint">"JPEG, PNG, WebP or GIF, up to 5 MB."</p>
                            {move || image_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                        </div>
                    </div>
                </div>
                <div class="form-actions">
                    <a class="btn btn-ghost" href="/listings">"Cancel"</a>
                    <button type="submit" class="btn btn-primary">{button}</button>
                </div>
            </form>
        </section>
    }
}
