//! Criterion benchmarks of the lessons live in `benches/`; this library is empty.
