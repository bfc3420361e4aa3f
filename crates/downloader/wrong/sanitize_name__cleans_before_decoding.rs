//! Cleans the segment before decoding it, so `%2e%2e%2f` becomes `../` after the checks.

/// Exercise 2 (wrong: decodes last).
pub fn sanitize_name(url: &str) -> String {
    let plain: String = last_segment(url)
        .chars()
        .map(|c| if is_unsafe(c) { '_' } else { c })
        .collect();
    let name = without_double_dots(plain);
    let name = crate::name::percent_decode(name.trim().trim_start_matches('.'));
    if name.is_empty() {
        "download".to_string()
    } else {
        name
    }
}
