//! Collapses `..` in a single pass, which turns `....` into `..`.

/// One pass over the dots (wrong: `..` can be left behind).
fn without_double_dots(name: String) -> String {
    name.replace("..", ".")
}
