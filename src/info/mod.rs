//! Static pages: FAQ, imprint, terms, privacy, and the not-found page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// `/faq`: answers to what shoppers and suppliers ask most.
#[component]
pub fn FaqPage() -> impl IntoView {
    let faqs: [(&str, &str); 8] = [
        ("How do I find the right part for my car?",
         "Search by part number if you have one: PartWatch finds it whether you type dashes, spaces or none. Otherwise search by maker and model, and compare the description with the part you are replacing."),
        ("Who sells the parts?",
         "Independent suppliers: workshops, wholesalers and specialist dealers. Every part page names its supplier, and each supplier ships its own orders."),
        ("How do I pay?",
         "By bank transfer. When you place an order you get a payment reference (for example PW-000123). Put it in the transfer so the supplier can match your payment, then press “I have paid” on your order."),
        ("Why did my cart become several orders?",
         "Each supplier ships separately, so a cart with parts from several suppliers becomes one order per supplier, each with its own payment reference."),
        ("How long does delivery take?",
         "Each part shows its supplier's delivery estimate, from 1–2 business days to 2–4 weeks for rare parts. The clock starts when the supplier has received your payment."),
        ("Can I cancel an order?",
         "Yes, as long as it is awaiting payment. Open the order and press Cancel; the parts go back into stock."),
        ("How do I start selling?",
         "Register with a supplier account. You can then list parts with photos, price, stock and delivery time, and handle the orders for your parts."),
        ("Is my data safe?",
         "Passwords are stored only as strong one-way hashes, sessions use secure cookies, and we never show your email to other users. See our privacy notice for details."),
    ];
    view! {
        <Title text="Frequently asked questions" />
        <Meta name="description" content="Answers about ordering, paying, delivery and selling on PartWatch." />
        <article class="page prose">
            <h1>"Frequently asked questions"</h1>
            {faqs
                .into_iter()
                .map(|(q, a)| {
                    view! {
                        <details class="faq">
                            <summary>{q}</summary>
                            <p>{a}</p>
                        </details>
                    }
                })
                .collect_view()}
            <p>"Still stuck? Write to " <a href="mailto:help@partwatch.example">"help@partwatch.example"</a> "."</p>
        </article>
    }
}

/// `/imprint`: who runs PartWatch.
#[component]
pub fn ImprintPage() -> impl IntoView {
    view! {
        <Title text="Imprint" />
        <article class="page prose">
            <h1>"Imprint"</h1>
            <p>"Information according to § 5 DDG (German Digital Services Act)."</p>
            <h2>"Operator"</h2>
            <address>
                "PartWatch GmbH" <br /> "Werkstattstraße 12" <br /> "70173 Stuttgart" <br /> "Germany"
            </address>
            <h2>"Contact"</h2>
            <p>"Email: " <a href="mailto:contact@partwatch.example">"contact@partwatch.example"</a></p>
            <h2>"Register entry"</h2>
            <p>"Commercial register: Amtsgericht Stuttgart, HRB 000000 · VAT ID: DE000000000"</p>
            <h2>"Managing directors"</h2>
            <p>"Johann Estrada Pox, Tim Luhmann"</p>
            <h2>"Online dispute resolution"</h2>
            <p>"We are neither willing nor obliged to take part in dispute resolution proceedings before a consumer arbitration board."</p>
        </article>
    }
}

/// `/terms`: the rules of the marketplace.
#[component]
pub fn TermsPage() -> impl IntoView {
    view! {
        <Title text="Terms of use" />
        <article class="page prose">
            <h1>"Terms of use"</h1>
            <p class="muted">"Last updated: 1 November 2026"</p>
            <h2>"1. What PartWatch is"</h2>
            <p>"PartWatch is a marketplace. Suppliers sell their own parts to customers; the contract of sale is between the customer and the supplier named on the order. PartWatch provides the platform, the order workflow and customer support."</p>
            <h2>"2. Accounts"</h2>
            <p>"You need an account to order or to sell. Keep your password to yourself; you are responsible for what is done with your account. Choose customer or supplier when you register."</p>
            <h2>"3. Orders and payment"</h2>
            <p>"An order is binding once placed. Pay by bank transfer with the order's payment reference. Stock is reserved when you order; an order that is still awaiting payment can be cancelled at any time."</p>
            <h2>"4. Suppliers"</h2>
            <p>"Suppliers list only parts they own and can ship, describe them truthfully, keep stock and prices current, and ship paid orders within the delivery estimate shown."</p>
            <h2>"5. Returns and warranty"</h2>
            <p>"Consumers have a 14-day right of withdrawal and the statutory warranty. Contact the supplier through your order; we help if you cannot agree."</p>
            <h2>"6. Liability"</h2>
            <p>"Fitting car parts can affect road safety. Have safety-relevant parts such as brakes fitted by a qualified workshop."</p>
        </article>
    }
}

/// `/privacy`: what data PartWatch keeps and why.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Title text="Privacy notice" />
        <article class="page prose">
            <h1>"Privacy notice"</h1>
            <p class="muted">"Last updated: 1 November 2026"</p>
            <h2>"What we store"</h2>
            <ul>
                <li>"Your account: username, email address, a one-way hash of your password, and whether you buy or sell."</li>
                <li>"Your cart and orders, with the shipping name and address you give us."</li>
                <li>"A session cookie that keeps you logged in, and a cookie with the vehicle you chose. We use no advertising or tracking cookies."</li>
                <li>"The vehicles in your garage, if you keep one."</li>
                <li>"When a search for a chosen vehicle finds nothing that fits, we count that vehicle and the search words, with nothing about who searched, so suppliers see what customers need. These counts are deleted a year after the last such search."</li>
            </ul>
            <h2>"Why"</h2>
            <p>"To run your account and to carry out your orders (Art. 6(1)(b) GDPR). Suppliers see the shipping details of the orders they ship, and nothing else about you."</p>
            <h2>"How long"</h2>
            <p>"Account data until you close your account; order records as long as tax law requires (up to ten years)."</p>
            <h2>"Your rights"</h2>
            <p>"You may ask for a copy of your data, correct it, have it deleted or restricted, and complain to a data protection authority. Write to " <a href="mailto:privacy@partwatch.example">"privacy@partwatch.example"</a> "."</p>
        </article>
    }
}

/// Any unknown address: a helpful page, with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="page status-page">
            <p class="status-code">"404"</p>
            <h1>"We could not find that page"</h1>
            <p>"The link may be old, or the part may no longer be listed."</p>
            <div class="status-actions">
                <a class="btn btn-primary" href="/catalogue">"Browse the catalogue"</a>
                <a class="btn btn-ghost" href="/">"Go to the home page"</a>
            </div>
        </section>
    }
}
