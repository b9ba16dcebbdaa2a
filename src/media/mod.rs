//! Photos: checking and re-encoding what suppliers upload (bounded in size, memory and
//! concurrency), and storing the resulting files under random names, on disk or in an
//! S3-compatible bucket.

pub mod images;
pub mod storage;
pub mod uploads;
