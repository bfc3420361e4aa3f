//! Takes the last `/` segment before cutting the query and fragment, so a slash in the query picks the wrong name.

/// The last segment of the URL, then without its query and fragment (wrong: in that order).
fn last_segment(url: &str) -> &str {
    let after_host = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => url,
    };
    let segment = after_host.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    segment.split(['#', '?']).next().unwrap_or("")
}
