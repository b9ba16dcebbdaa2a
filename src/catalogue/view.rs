//! `/catalogue`: filters, sort, results and pages. The search box is the header's
//! ([`crate::ui::search`]), which joins this page's filter form.
//!
//! The URL query is the only state. Without JavaScript the filter form is a plain GET form;
//! after hydration it navigates on the client: typing searches after a short pause, and each
//! filter applies as soon as it changes.

use super::{api::search_catalogue, CatalogueQuery, CatalogueResults, Sort, PAGE_SIZE};
use crate::{
    auth::session::use_session,
    cart::view::CartErrorNotice,
    parts::{view::PartCard, Cents},
    ui::{CardSkeletons, ErrorNotice, Pager},
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{
    components::Form,
    hooks::{use_location, use_navigate},
    NavigateOptions,
};

/// Submits the form an input belongs to, as if its button had been pressed.
fn submit_form_of(ev: &leptos::ev::Event) {
    let input = event_target::<web_sys::HtmlInputElement>(ev);
    if let Some(form) = input.form() {
        let _ = form.request_submit();
    }
}

/// The catalogue page.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| CatalogueQuery::parse(&location.search.get()));
    // Choosing or forgetting a vehicle (the header's picker, an engine here) changes the answers.
    let vehicle = crate::vehicles::context::use_vehicle();
    let results = Resource::new(
        move || (query.get().to_query_string(), vehicle.changes()),
        |(query, _)| search_catalogue(query),
    );
    let session = use_session();

    // Tidy the address bar: a form submission spells out empty fields ("min=&max="); show the
    // canonical link instead, without a new history entry.
    let navigate = use_navigate();
    // Only while the address is the catalogue's: leaving for another page with a query
    // (`/vehicle?next=…`, `/login?next=…`) changes the address before this page goes, and
    // "tidying" that would send the visitor back here.
    Effect::new(move |_| {
        let search = location.search.get();
        if location.pathname.get() != "/catalogue" {
            return;
        }
        let canonical = query.get().to_query_string();
        if search.trim_start_matches('?') != canonical {
            navigate(
                &query.get_untracked().href(),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    });

    let title_for = |q: &str| {
        if q.is_empty() {
            "Catalogue".to_string()
        } else {
            format!("“{q}” in the catalogue")
        }
    };
    // The server reads the title after the page's render has finished, when the page's
    // reactive values may already be disposed: fall back to the title of the address the page
    // was rendered for (on the server it cannot have changed since).
    let rendered_title = title_for(&query.get_untracked().q);
    let title = move || {
        query
            .try_get()
            .map(|query| title_for(&query.q))
            .unwrap_or_else(|| rendered_title.clone())
    };

    view! {
        <Title text=title />
        <Meta name="description" content="Search car parts by name, maker, model or part number; filter by maker, price and availability." />
        // The results stay outside the filter form: their Add to cart buttons are forms of
        // their own, and a form inside a form is dropped by the HTML parser (which breaks
        // hydration). The form's box is `display: contents`, so the grid still lays out
        // filters and results together. The search box is the header's (`SiteSearch`), which
        // belongs to this form here.
        <section class="catalogue">
            <Form method="GET" action="/catalogue" noscroll=true attr:id=super::FILTER_FORM>
                <Transition fallback=|| view! { <aside class="filters"></aside> }>
                    {move || Suspend::new(async move {
                        let facets = results.await.map(|r| r.manufacturers).unwrap_or_default();
                        view! { <Filters query=query.get_untracked() facets /> }
                    })}
                </Transition>
            </Form>
            <div class="catalogue-results">
                <CartErrorNotice />
                <Transition fallback=|| view! { <CardSkeletons count=8 /> }>
                    {move || Suspend::new(async move {
                        match results.await {
                            Ok(found) => {
                                let viewer = session.viewer().await;
                                view! { <Results query=query.get_untracked() found viewer /> }.into_any()
                            }
                            Err(error) => view! { <ErrorNotice error /> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </section>
    }
}

/// Sort, manufacturers with counts, price range, in-stock only.
#[component]
fn Filters(query: CatalogueQuery, facets: Vec<super::ManufacturerCount>) -> impl IntoView {
    // Chosen manufacturers stay listed (with 0) even when other filters leave them no parts.
    let mut facets = facets;
    for m in &query.manufacturers {
        if !facets.iter().any(|f| &f.name == m) {
            facets.push(super::ManufacturerCount {
                name: m.clone(),
                count: Some(0),
            });
        }
    }
    let sort = query.sort;
    let searching = !query.q.is_empty();
    let default_sort = if searching {
        Sort::Relevance
    } else {
        Sort::Newest
    };
    let min = query.min_price.map(Cents::euros_input).unwrap_or_default();
    let max = query.max_price.map(Cents::euros_input).unwrap_or_default();
    view! {
        <aside class="filters" aria-label="Filters">
            <div class="filter-group">
                <label class="filter-title" for="catalogue-sort">"Sort by"</label>
                <select id="catalogue-sort" name="sort" on:change=move |ev| {
                    let select = event_target::<web_sys::HtmlSelectElement>(&ev);
                    if let Some(form) = select.form() {
                        let _ = form.request_submit();
                    }
                }>
                    // The default order (best match when searching, else newest) is sent as
                    // "", so a new search text gets its own default rather than the old one.
                    {Sort::ALL
                        .into_iter()
                        .filter(|s| *s != Sort::Relevance || searching)
                        .map(|s| {
                            let value = if s == default_sort { "" } else { s.as_str() };
                            view! { <option value=value selected=s == sort prop:selected=s == sort>{s.label()}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <fieldset class="filter-group">
                <legend class="filter-title">"Manufacturer"</legend>
                {facets
                    .into_iter()
                    .map(|f| {
                        let checked = query.manufacturers.contains(&f.name);
                        view! {
                            <label class="check">
                                <input type="checkbox" name="m" value=f.name.clone() checked=checked prop:checked=checked on:change=move |ev| submit_form_of(&ev) />
                                <span class="check-label">{f.name.clone()}</span>
                                {f.count.map(|n| view! { <span class="check-count">{super::thousands(n)}</span> })}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="filter-group">
                <legend class="filter-title">"Price (€)"</legend>
                <div class="price-range">
                    <label class="visually-hidden" for="price-min">"Lowest price"</label>
                    <input id="price-min" type="text" inputmode="decimal" name="min" placeholder="Min" value=min.clone() prop:value=min on:change=move |ev| submit_form_of(&ev) />
                    <span aria-hidden="true">"–"</span>
                    <label class="visually-hidden" for="price-max">"Highest price"</label>
                    <input id="price-max" type="text" inputmode="decimal" name="max" placeholder="Max" value=max.clone() prop:value=max on:change=move |ev| submit_form_of(&ev) />
                </div>
            </fieldset>
            <div class="filter-group">
                <label class="check">
                    <input type="checkbox" name="stock" value="1" checked=query.in_stock prop:checked=query.in_stock on:change=move |ev| submit_form_of(&ev) />
                    <span class="check-label">"In stock only"</span>
                </label>
            </div>
            <button type="submit" class="btn btn-ghost btn-block">"Apply filters"</button>
            {query.is_filtered().then(|| view! { <a class="clear-filters" href="/catalogue">"Clear all"</a> })}
        </aside>
    }
}

/// The result count, the grid (or an empty state) and the pages.
#[component]
fn Results(query: CatalogueQuery, found: CatalogueResults, viewer: Option<i64>) -> impl IntoView {
    let count = found.count_text();
    let summary = if found.pages > 1 {
        format!("{count} · page {} of {}", found.page, found.pages)
    } else {
        count
    };
    let bar = found
        .vehicle
        .clone()
        .map(|vehicle| view! { <VehicleBar query=query.clone() vehicle /> });
    if found.parts.is_empty() {
        let clear_href = CatalogueQuery::search_only(&query.q).href();
        let all_vehicles = found.vehicle.as_ref().filter(|v| v.fits_only).map(|v| {
            let href = CatalogueQuery {
                all_vehicles: true,
                page: 1,
                ..query.clone()
            }
            .href();
            view! {
                <p>
                    "Nothing here is known to fit your " {v.label.clone()} ". "
                    <a href=href data-testid="show-all-vehicles">"Show parts for every vehicle"</a>
                    " (each says whether it fits)."
                </p>
            }
        });
        return view! {
            {bar}
            <div class="empty-state" data-testid="no-results">
                <h2>"No parts match"</h2>
                {all_vehicles}
                <p>
                    {if query.is_filtered() {
                        "Try other words or a part number, or loosen the filters."
                    } else {
                        "No parts are listed yet."
                    }}
                </p>
                {query.is_filtered().then(|| view! {
                    <div class="status-actions">
                        {(!query.manufacturers.is_empty() || query.min_price.is_some() || query.max_price.is_some() || query.in_stock)
                            .then(|| view! { <a class="btn btn-primary" href=clear_href.clone()>"Clear filters"</a> })}
                        <a class="btn btn-ghost" href="/catalogue">"Show all parts"</a>
                    </div>
                })}
            </div>
        }
        .into_any();
    }
    let page_query = query.clone();
    let pages_of = move |page: u32| page_query.at_page(page).href();
    let answers = found.vehicle.clone();
    let narrowed = found.fits_only();
    view! {
        {bar}
        <p class="result-count" data-testid="result-count">{summary}</p>
        <div class="part-grid">
            {found
                .parts
                .into_iter()
                .map(|part| {
                    match answers.as_ref().and_then(|v| v.answer(part.id)) {
                        Some(fit) => view! { <PartCard part viewer fit /> }.into_any(),
                        None => view! { <PartCard part viewer /> }.into_any(),
                    }
                })
                .collect_view()}
        </div>
        <Pager page=found.page has_next={found.page < found.pages} pages=found.pages href=pages_of />
        {(found.page == found.pages && (found.more || i64::from(found.pages) * PAGE_SIZE < found.total))
            .then(|| view! {
                <p class="result-limit" data-testid="result-limit">
                    {if query.q.is_empty() && narrowed {
                        "These are the newest 1,000 parts that fit. Search words, a maker or a price range reach the others."
                    } else if query.q.is_empty() {
                        "That is as far as the pages go. Choose a maker, a price range or search words to see other parts."
                    } else {
                        "These are the newest 1,000 matches. Add words, choose a maker or a price range to see other parts."
                    }}
                </p>
            })}
    }
    .into_any()
}

/// Above the results when the customer has an active vehicle: which vehicle the parts are
/// checked against, whether only those that fit are shown (and the switch), the engine choice
/// when answers depend on it, and a link to change the vehicle.
#[component]
fn VehicleBar(query: CatalogueQuery, vehicle: super::CatalogueVehicle) -> impl IntoView {
    let here = query.href();
    let switch = CatalogueQuery {
        all_vehicles: vehicle.fits_only,
        page: 1,
        ..query.clone()
    }
    .href();
    let change = format!("/vehicle?next={}", urlencoding_path(&here));
    let engines = vehicle.engines.clone();
    view! {
        <div class="fit-bar" data-testid="fit-bar">
            <p class="fit-bar-text">
                {if vehicle.typed {
                    view! {
                        "Your " <strong>{vehicle.label.clone()}</strong>
                        " is not in our vehicle list, so we cannot narrow the parts to it: each part says what it is made for. "
                        <a href=change.clone()>"Change vehicle"</a>
                    }
                    .into_any()
                } else {
                    view! {
                {if vehicle.fits_only {
                    view! { "Showing parts that fit your " <strong>{vehicle.label.clone()}</strong> "." }.into_any()
                } else {
                    view! { "Showing parts for every vehicle, each checked against your " <strong>{vehicle.label.clone()}</strong> "." }.into_any()
                }}
                " "
                <a href=switch data-testid="fit-switch">
                    {if vehicle.fits_only { "Show parts for every vehicle" } else { "Show only parts that fit" }}
                </a>
                " · "
                <a href=change>"Change vehicle"</a>
                    }
                    .into_any()
                }}
            </p>
            {(!engines.is_empty()).then(|| view! {
                <crate::fitment::view::EngineChoice
                    vehicle=vehicle.id
                    engines=engines.clone()
                    next=here.clone()
                    legend="Some parts depend on the engine. Yours:"
                    button="Use this engine"
                    class="fit-engine fit-bar-engine"
                    testid="fit-bar-engine"
                />
            })}
        </div>
    }
}

/// `path` for a `next=` query value: the characters a query value cannot hold are escaped.
fn urlencoding_path(path: &str) -> String {
    form_urlencoded::byte_serialize(path.as_bytes()).collect()
}
