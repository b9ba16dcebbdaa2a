//! Values worked out once per request: a page's server functions run in one request while it
//! renders, and several may need the same thing (the header and the catalogue both need the
//! active vehicle).

use leptos::prelude::use_context;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OnceCell;

type Cells = HashMap<TypeId, Arc<dyn Any + Send + Sync>>;

/// The values of one request, by type. Provided in the Leptos context of every page rendered
/// on the server (`server::router`, `server::pages`); a fresh one per request.
#[derive(Clone, Default)]
pub struct RequestMemo(Arc<Mutex<Cells>>);

impl RequestMemo {
    /// The request's value of type `T`: the first caller makes it with `make`, later and
    /// concurrent callers get a copy of it. A failed `make` is not kept (the next caller
    /// tries again). Outside a rendered page (a server-function call from the browser, which
    /// is its own request) there is no memo and `make` simply runs.
    pub async fn once<T, E, Fut>(make: impl FnOnce() -> Fut) -> Result<T, E>
    where
        T: Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<T, E>>,
    {
        let Some(memo) = use_context::<RequestMemo>() else {
            return make().await;
        };
        let cell = {
            let mut cells = memo.0.lock().unwrap_or_else(PoisonError::into_inner);
            cells
                .entry(TypeId::of::<T>())
                .or_insert_with(|| Arc::new(OnceCell::<T>::new()))
                .clone()
        };
        match cell.downcast::<OnceCell<T>>() {
            Ok(cell) => cell.get_or_try_init(make).await.cloned(),
            // Not reachable: the cell under `T`'s id is always a `OnceCell<T>`.
            Err(_) => make().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::prelude::{provide_context, Owner};
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Clone, Debug, PartialEq)]
    struct Answer(u32);

    async fn counted(calls: &AtomicUsize, value: u32) -> Result<Answer, String> {
        calls.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        Ok(Answer(value))
    }

    #[tokio::test]
    async fn a_value_is_made_once_per_request_and_failures_are_not_kept() {
        let calls = AtomicUsize::new(0);
        let owner = Owner::new();
        owner.set();
        provide_context(RequestMemo::default());
        let (a, b) = tokio::join!(
            RequestMemo::once(|| counted(&calls, 1)),
            RequestMemo::once(|| counted(&calls, 2)),
        );
        assert_eq!((a, b), (Ok(Answer(1)), Ok(Answer(1))));
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // Another type is another value; a failure is tried again by the next caller.
        let failed: Result<u64, String> = RequestMemo::once(|| async { Err("no".into()) }).await;
        assert_eq!(failed, Err("no".to_string()));
        let later: Result<u64, String> = RequestMemo::once(|| async { Ok(7) }).await;
        assert_eq!(later, Ok(7));

        // A new request (a new memo) makes its own.
        provide_context(RequestMemo::default());
        let fresh = RequestMemo::once(|| counted(&calls, 3)).await;
        assert_eq!(fresh, Ok(Answer(3)));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn without_a_memo_the_value_is_made_every_time() {
        let calls = AtomicUsize::new(0);
        let owner = Owner::new();
        owner.set();
        for _ in 0..2 {
            assert_eq!(
                RequestMemo::once(|| counted(&calls, 4)).await,
                Ok(Answer(4))
            );
        }
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
