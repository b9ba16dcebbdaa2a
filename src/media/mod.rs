//! Photos: checking and re-encoding what suppliers upload (bounded in size, memory and
//! concurrency), and storing the resulting files under random names.

pub mod images;
pub mod uploads;
