//! Links between the pages of a long list (catalogue results, orders).

use leptos::prelude::*;

/// Previous and next links around the current page's number; when the number of pages is
/// known, also numbered links to the first, the last and the pages near this one. Shows
/// nothing when there is only one page.
#[component]
pub fn Pager(
    /// The current page, from 1.
    page: u32,
    /// Whether a page follows this one.
    has_next: bool,
    /// The number of pages, when known.
    #[prop(optional)]
    pages: Option<u32>,
    /// The address of a page.
    #[prop(into)]
    href: Callback<u32, String>,
    /// The link to the page before.
    #[prop(default = "← Previous")]
    previous: &'static str,
    /// The link to the page after.
    #[prop(default = "Next →")]
    next: &'static str,
) -> impl IntoView {
    if page <= 1 && !has_next {
        return ().into_any();
    }
    let numbers: Vec<u32> = match pages {
        Some(pages) => (1..=pages)
            .filter(|p| *p == 1 || *p == pages || p.abs_diff(page) <= 2)
            .collect(),
        None => vec![page],
    };
    let mut items = Vec::new();
    let mut last = numbers.first().map_or(0, |first| first - 1);
    for p in numbers {
        if p > last + 1 {
            items.push(view! { <li class="page-gap" aria-hidden="true">"…"</li> }.into_any());
        }
        items.push(if p == page {
            view! { <li><span class="page-link current" aria-current="page">{p}</span></li> }
                .into_any()
        } else {
            view! { <li><a class="page-link" href=href.run(p)>{p}</a></li> }.into_any()
        });
        last = p;
    }
    let step = move |to: Option<u32>, label: &'static str, rel: &'static str| match to {
        Some(to) => view! { <a class="page-link" href=href.run(to) rel=rel>{label}</a> }.into_any(),
        None => view! { <span class="page-link disabled">{label}</span> }.into_any(),
    };
    view! {
        <nav class="pagination" aria-label="Pages">
            <ul>
                <li>{step((page > 1).then(|| page - 1), previous, "prev")}</li>
                {items}
                <li>{step(has_next.then_some(page + 1), next, "next")}</li>
            </ul>
        </nav>
    }
    .into_any()
}
