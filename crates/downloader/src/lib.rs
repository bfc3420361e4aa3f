//! This lesson is being written.

// The student's answers live in src/exercises.rs; the `solutions` feature swaps in the reference.
#[cfg_attr(feature = "solutions", path = "../solutions/exercises.rs")]
pub mod exercises;
