//! Order pages.
