//! Components that show parts.

use super::{thumb_url, PartSummary};
use leptos::prelude::*;

/// A part in a grid: picture, name, maker and model, price, availability, supplier and
/// delivery time.
#[component]
pub fn PartCard(part: PartSummary) -> impl IntoView {
    let href = format!("/parts/{}", part.id);
    let availability = part.availability();
    view! {
        <article class="part-card">
            <a class="part-card-link" href=href.clone()>
                <img
                    class="part-card-img"
                    src=thumb_url(part.image_key.as_deref())
                    alt=part.name.clone()
                    width="400"
                    height="300"
                    loading="lazy"
                />
            </a>
            <div class="part-card-body">
                <p class="part-card-maker">{part.manufacturer.clone()} " · " {part.model.clone()}</p>
                <h3 class="part-card-name">
                    <a href=href>{part.name.clone()}</a>
                </h3>
                <p class="part-card-price">{part.price.display()}</p>
                <p class="part-card-meta">
                    <span class=availability.css_class()>{availability.label()}</span>
                    <span class="part-card-delivery">{part.delivery.label()}</span>
                </p>
                <p class="part-card-supplier">"Sold by " {part.supplier.clone()}</p>
            </div>
        </article>
    }
}
