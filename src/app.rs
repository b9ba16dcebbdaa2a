//! The HTML shell, the root component and the route table.

use crate::{
    auth::view::{LoginPage, ProfilePage, RegisterPage},
    cart::page::CartPage,
    catalogue::view::CataloguePage,
    demand::view::DemandPage,
    fitment::view::FitmentEditorPage,
    home::HomePage,
    info::{FaqPage, ImprintPage, NotFound, PrivacyPage, TermsPage},
    listings::view::{ListingFormPage, ListingsPage},
    orders::view::{OrderDetailPage, OrdersPage},
    parts::view::PartPage,
    ui::Layout,
    vehicles::view::VehiclePage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server. Sets the page's
/// Content-Security-Policy with this response's nonce, which Leptos puts on its inline scripts.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let live_reload = std::env::var_os("LEPTOS_WATCH").is_some();
        let policy = crate::server::security::page_csp(&nonce, live_reload);
        if let Ok(value) = http::HeaderValue::from_str(&policy) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#1d4ed8" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options />
                <Bundle />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The document title for a page's `text` (which may hold user text: a search, a part name).
/// leptos_meta writes the title into the server's HTML as it is, so there `&` and `<` are
/// escaped (the browser decodes them back); in the browser the title is set as plain text.
pub fn page_title(text: &str) -> String {
    let title = format!("{text} · PartWatch");
    if cfg!(feature = "ssr") {
        title.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        title
    }
}

/// The stylesheet and the hydration script under the bundle's content-hashed names
/// (`server::assets`). Rendered on the server only, in the shell.
#[component]
fn Bundle() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let nonce = leptos::nonce::use_nonce();
        view! {
            <link rel="stylesheet" id="leptos" href=crate::server::assets::stylesheet_href() />
            <script type="module" nonce=nonce>{crate::server::assets::hydration_script()}</script>
        }
    }
}

/// The application: layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|text: String| page_title(&text) />
        // Every page is rendered whole before it is sent (SsrMode::Async): pages then work
        // without JavaScript (out-of-order streaming needs script to place late content),
        // and a page can still set its status code or redirect after loading data.
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/catalogue") view=CataloguePage ssr=SsrMode::Async />
                    <Route path=path!("/parts/:id") view=PartPage ssr=SsrMode::Async />
                    <Route path=path!("/listings") view=ListingsPage ssr=SsrMode::Async />
                    <Route path=path!("/listings/new") view=ListingFormPage ssr=SsrMode::Async />
                    <Route path=path!("/listings/:id/edit") view=ListingFormPage ssr=SsrMode::Async />
                    <Route path=path!("/listings/:id/fitment") view=FitmentEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/vehicle") view=VehiclePage ssr=SsrMode::Async />
                    <Route path=path!("/demand") view=DemandPage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async />
                    <Route path=path!("/orders") view=OrdersPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view=OrderDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/profile") view=ProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/faq") view=FaqPage ssr=SsrMode::Async />
                    <Route path=path!("/imprint") view=ImprintPage ssr=SsrMode::Async />
                    <Route path=path!("/terms") view=TermsPage ssr=SsrMode::Async />
                    <Route path=path!("/privacy") view=PrivacyPage ssr=SsrMode::Async />
                </Routes>
            </Layout>
        </Router>
    }
}
