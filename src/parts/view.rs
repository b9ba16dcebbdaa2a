//! Components that show parts: the card in a grid and the part page.

use super::{
    api::part_detail, card_srcset, image_url, photo_srcset, thumb_url, PartDetail, PartSummary,
};
use crate::{
    auth::session::use_session,
    cart::view::{AddToCartButton, CartErrorNotice},
    fitment::view::{fit_answer_of, PartFit},
    ui::{use_route_id, ByIdPage},
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// A part in a grid: picture, name, maker and model, price, availability, supplier, delivery
/// time and Add to cart.
#[component]
pub fn PartCard(
    part: PartSummary,
    /// The logged-in user's id (`SessionContext::viewer`).
    viewer: Option<i64>,
    /// Whether it fits the customer's active vehicle, and why.
    #[prop(optional)]
    fit: Option<crate::catalogue::CardFit>,
) -> impl IntoView {
    let href = format!("/parts/{}", part.id);
    let availability = part.availability();
    view! {
        <article class="part-card">
            <a class="part-card-link" href=href.clone() tabindex="-1" aria-hidden="true">
                <img
                    class="part-card-img"
                    src=thumb_url(part.image_key.as_deref())
                    srcset=card_srcset(part.image_key.as_deref())
                    sizes="(max-width: 540px) 100vw, 300px"
                    alt=""
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
                {fit.map(|fit| view! {
                    <p class=format!("{} fit-card", fit.kind.css_class()) data-testid="card-fit">
                        <span class="fit-sentence">{fit.sentence}</span>
                    </p>
                })}
                <p class="part-card-meta">
                    <span class=availability.css_class()>{availability.label()}</span>
                    <span class="part-card-delivery">{part.delivery.label()}</span>
                </p>
                <p class="part-card-supplier">"Sold by " {part.supplier.clone()}</p>
                <AddToCartButton part_id=part.id stock=part.stock supplier_id=Some(part.supplier_id) viewer />
            </div>
        </article>
    }
}

/// `/parts/:id`: the part page. Unknown and archived parts get the 404 page.
#[component]
pub fn PartPage() -> impl IntoView {
    let session = use_session();
    let id = use_route_id();
    let part = Resource::new(id, |id| async move {
        part_detail(id.or_not_found("No such part.")?).await
    });
    let fit = fit_answer_of(id);
    let render = move |part| async move {
        let viewer = session.viewer().await;
        view! { <PartView part viewer fit /> }
    };
    view! { <ByIdPage item=part loading="Loading the part…" render /> }
}

#[component]
fn PartView(
    part: PartDetail,
    viewer: Option<i64>,
    fit: Resource<Result<Option<crate::fitment::FitAnswer>, crate::error::AppError>>,
) -> impl IntoView {
    let PartDetail {
        summary: p,
        description,
        numbers,
    } = part;
    let numbers_of = |kind: crate::parts::numbers::NumberKind| {
        numbers
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| format!("{} {}", n.maker, n.number))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let oem = numbers_of(crate::parts::numbers::NumberKind::Oem);
    let cross = numbers_of(crate::parts::numbers::NumberKind::Cross);
    let availability = p.availability();
    let stock_text = match p.stock {
        0 => "Out of stock".to_string(),
        n => format!("{n} in stock"),
    };
    let meta = {
        let text: String = description.chars().take(150).collect();
        format!(
            "{} {} ({}) for {} from {}. {text}",
            p.manufacturer,
            p.name,
            p.model,
            p.price.display(),
            p.supplier
        )
    };
    view! {
        <Title text=format!("{} – {} {}", p.name, p.manufacturer, p.model) />
        <Meta name="description" content=meta />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/">"Home"</a> " / " <a href="/catalogue">"Catalogue"</a> " / "
            <a href=format!("/catalogue?m={}", crate::ui::layout::encode_query_value(&p.manufacturer))>{p.manufacturer.clone()}</a>
        </nav>
        <CartErrorNotice />
        <article class="part-page">
            <div class="part-photo">
                <img
                    src=image_url(p.image_key.as_deref())
                    srcset=photo_srcset(p.image_key.as_deref())
                    sizes="(max-width: 899px) 100vw, 600px"
                    alt=p.name.clone()
                    width="800"
                    height="600"
                />
            </div>
            <div class="part-info">
                <p class="part-card-maker">{p.manufacturer.clone()} " · " {p.model.clone()}</p>
                <h1 class="part-title">{p.name.clone()}</h1>
                <p class="part-price">{p.price.display()} <small>"incl. VAT"</small></p>
                <p class="part-availability">
                    <span class=availability.css_class()>{availability.label()}</span>
                    <span class="muted">{stock_text}</span>
                </p>
                <PartFit part=p.id answer=fit />
                <div class="buy-box">
                    <AddToCartButton part_id=p.id stock=p.stock supplier_id=Some(p.supplier_id) viewer picker=true />
                </div>
                <dl class="spec-list">
                    <div><dt>"Manufacturer"</dt><dd>{p.manufacturer.clone()}</dd></div>
                    <div><dt>"Model / part number"</dt><dd>{p.model.clone()}</dd></div>
                    {(!oem.is_empty()).then(|| view! { <div><dt>"OEM numbers"</dt><dd data-testid="oem-numbers">{oem}</dd></div> })}
                    {(!cross.is_empty()).then(|| view! { <div><dt>"Cross-reference"</dt><dd data-testid="cross-numbers">{cross}</dd></div> })}
                    <div><dt>"Delivery"</dt><dd>{p.delivery.label()}</dd></div>
                    <div><dt>"Sold by"</dt><dd>{p.supplier.clone()}</dd></div>
                </dl>
                <h2>"Description"</h2>
                <div class="part-description">
                    {description
                        .split("\n\n")
                        .map(|para| view! { <p>{para.to_string()}</p> })
                        .collect_view()}
                </div>
            </div>
        </article>
    }
}
