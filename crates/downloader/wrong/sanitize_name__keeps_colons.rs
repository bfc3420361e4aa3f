//! Replaces `/` and `\` but keeps `:`, a drive letter or stream separator on Windows.

/// A separator or a control (wrong: a case is missing).
fn is_unsafe(c: char) -> bool {
    matches!(c, '/' | '\\') || c.is_control()
}
