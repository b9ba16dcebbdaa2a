//! `/`: the home page: hero with search, newest parts, how PartWatch works.

use crate::{
    auth::session::use_session,
    parts::{api::newest_parts, view::PartCard},
    ui::{icons::SearchIcon, CardSkeletons, ErrorNotice},
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let newest = Resource::new(|| (), |_| newest_parts(8));
    let session = use_session();
    view! {
        <Title text="Car parts from trusted suppliers" />
        <Meta
            name="description"
            content="PartWatch: find brake discs, filters, spark plugs and thousands more car parts from independent suppliers. Search by part number, compare prices, order in minutes."
        />
        <section class="hero">
            <div class="hero-inner">
                <h1>"The right part, from a supplier you can trust."</h1>
                <p class="hero-lead">
                    "Search brakes, filters, ignition, lighting and more from independent parts suppliers. Part numbers match with or without dashes."
                </p>
                <form class="hero-search" action="/catalogue" method="get" role="search">
                    <label class="visually-hidden" for="hero-q">"Search parts"</label>
                    <input id="hero-q" type="search" name="q" maxlength="200" placeholder="e.g. brake disc, Bosch, BP-123" />
                    <button type="submit" class="btn btn-accent">
                        <SearchIcon />
                        <span>"Search"</span>
                    </button>
                </form>
                <ul class="hero-points">
                    <li>"Stock shown live"</li>
                    <li>"Pay by bank transfer"</li>
                    <li>"Delivery times you can plan with"</li>
                </ul>
            </div>
        </section>
        <section class="section">
            <div class="section-head">
                <h2>"Newest parts"</h2>
                <a href="/catalogue?sort=newest">"See all parts →"</a>
            </div>
            <Suspense fallback=|| view! { <CardSkeletons count=8 /> }>
                {move || Suspend::new(async move {
                    match newest.await {
                        Ok(parts) if parts.is_empty() => view! {
                            <p class="empty">"No parts are listed yet. Suppliers: register and list your first part."</p>
                        }
                        .into_any(),
                        Ok(parts) => {
                            let viewer = session.viewer().await;
                            view! {
                                <div class="part-grid">
                                    {parts.into_iter().map(|part| view! { <PartCard part viewer /> }).collect_view()}
                                </div>
                            }
                            .into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section class="section how">
            <h2>"How PartWatch works"</h2>
            <ol class="how-steps">
                <li>
                    <span class="how-num">"1"</span>
                    <h3>"Find your part"</h3>
                    <p>"Search by name, maker, car model or part number. Filter by price and availability."</p>
                </li>
                <li>
                    <span class="how-num">"2"</span>
                    <h3>"Order from the supplier"</h3>
                    <p>"Your cart becomes one order per supplier. Pay each by bank transfer with its reference."</p>
                </li>
                <li>
                    <span class="how-num">"3"</span>
                    <h3>"Track it to your door"</h3>
                    <p>"Follow each order from payment to shipping, and confirm when it has arrived."</p>
                </li>
            </ol>
            <div class="how-cta">
                <p>"Selling parts? Reach drivers and workshops across the country."</p>
                <a class="btn btn-ghost" href="/register">"Open a supplier account"</a>
            </div>
        </section>
    }
}
