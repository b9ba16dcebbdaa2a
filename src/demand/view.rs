//! `/demand`: what customers with a vehicle searched for and did not find.

use super::{api::unmet_demand, DemandReport, DemandRow, SHOWN_DAYS};
use crate::{
    catalogue::{CatalogueQuery, Sort},
    time::format_time,
    ui::{EmptyState, ErrorNotice, LoginGate},
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

/// `/demand`: the suppliers' view of unmet searches.
#[component]
pub fn DemandPage() -> impl IntoView {
    view! {
        <Title text="Customer demand" />
        <LoginGate suppliers_only="Customer demand is for supplier accounts">
            <DemandTable />
        </LoginGate>
    }
}

#[component]
fn DemandTable() -> impl IntoView {
    let query = use_query_map();
    let make = move || query.read().get("make").filter(|m| !m.is_empty());
    let report = Resource::new(make, unmet_demand);
    view! {
        <section class="page demand-page">
            <header class="listings-head">
                <div>
                    <h1>"What customers could not find"</h1>
                    <p class="page-lead">
                        {format!(
                            "Searches of the last {SHOWN_DAYS} days by customers with a vehicle chosen, \
                             where no listed part fits that vehicle. List one and the next such search finds it."
                        )}
                    </p>
                </div>
                <a class="btn btn-primary" href="/listings/new">"+ New listing"</a>
            </header>
            <Transition fallback=|| view! { <p class="loading">"Loading the searches…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(report) => view! { <DemandView report /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DemandView(report: DemandReport) -> impl IntoView {
    let DemandReport { rows, makes, make } = report;
    let filter = (!makes.is_empty()).then(|| {
        let chosen = make.clone().unwrap_or_default();
        view! {
            <Form method="GET" action="/demand">
                <div class="listings-tools">
                    <label for="demand-make">"Vehicle make"</label>
                    <select id="demand-make" name="make">
                        <option value="" selected=chosen.is_empty()>"All makes"</option>
                        {makes
                            .into_iter()
                            .map(|name| {
                                let selected = name == chosen;
                                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                            })
                            .collect_view()}
                    </select>
                    <button type="submit" class="btn btn-ghost">"Show"</button>
                </div>
            </Form>
        }
    });
    let body = if rows.is_empty() {
        view! {
            <EmptyState
                title="No unmet searches"
                text="When a customer with a vehicle chosen searches and nothing listed fits it, the search shows here, counted."
            >
                <a class="btn btn-ghost" href="/listings">"Your listings"</a>
            </EmptyState>
        }
        .into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="listings-table demand-table">
                    <thead>
                        <tr>
                            <th scope="col">"Vehicle"</th>
                            <th scope="col">"Searched for"</th>
                            <th scope="col" class="num">"Searches"</th>
                            <th scope="col">"Last searched"</th>
                            <th scope="col"><span class="visually-hidden">"In the catalogue"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows.into_iter().map(|row| view! { <DemandLine row /> }).collect_view()}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! { {filter} {body} }
}

#[component]
fn DemandLine(row: DemandRow) -> impl IntoView {
    // What the catalogue has for these words, for every vehicle.
    let href = CatalogueQuery {
        q: row.words.clone(),
        all_vehicles: true,
        sort: Sort::Relevance,
        page: 1,
        ..Default::default()
    }
    .href();
    view! {
        <tr data-testid="demand-row">
            <td>{row.vehicle}</td>
            <td class="demand-words">{row.words}</td>
            <td class="num">{row.searches}</td>
            <td title=format!("First searched {}", format_time(row.first_at))>{format_time(row.last_at)}</td>
            <td><a href=href>"In the catalogue"</a></td>
        </tr>
    }
}
