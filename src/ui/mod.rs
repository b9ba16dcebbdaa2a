//! Shared components: the page layout, header and footer, form fields, notices, page links,
//! the login gate and the frame of a page that shows one thing by its id.

pub mod by_id;
pub mod form;
pub mod gate;
pub mod icons;
pub mod layout;
pub mod notice;
pub mod pager;
pub mod search;

pub use by_id::{use_route_id, ByIdPage, RouteId};
pub use form::{Control, Field, FormAlert, RoleChoice, SubmitButton};
pub use gate::LoginGate;
pub use layout::{here_url, Layout};
pub use notice::{CardSkeletons, EmptyState, ErrorNotice, PostErrorNotice};
pub use pager::Pager;
pub use search::SiteSearch;
