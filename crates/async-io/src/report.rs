//! Small helpers shared by the reports: durations in JSON, sizes and counts for people.

use std::time::Duration;

/// Serializes a [`Duration`] as seconds (a float), which is what every reader of the JSON wants.
pub fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Bytes as mebibytes with one decimal: `21.4 MiB`.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A duration in the unit that reads best: `850 ns`, `12.3 µs`, `45.6 ms`, `1.234 s`.
pub fn human(d: Duration) -> String {
    let ns = d.as_nanos();
    match ns {
        0..1_000 => format!("{ns} ns"),
        1_000..1_000_000 => format!("{:.1} µs", ns as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} ms", ns as f64 / 1e6),
        _ => format!("{:.3} s", d.as_secs_f64()),
    }
}

/// How far `actual` is above `ideal`, in percent (`+8 %`).
pub fn over_ideal(actual: Duration, ideal: Duration) -> f64 {
    100.0 * (actual.as_secs_f64() / ideal.as_secs_f64().max(1e-9) - 1.0)
}
