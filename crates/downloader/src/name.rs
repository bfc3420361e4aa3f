//! File names from URLs, made safe.
//!
//! The name of a downloaded file comes from the last segment of its URL's path, and a URL is
//! written by whoever wrote the list, or by a server that redirected us. A careless
//! `out_dir.join(last_segment)` writes wherever `../../.ssh/authorized_keys` or `/etc/passwd`
//! says. [`sanitize_file_name`] turns any URL into a single, plain file name, and
//! [`NameAllocator`] makes the names of one batch distinct.

use std::collections::HashSet;

/// The name used when a URL has nothing usable (`http://host/`, `http://host/..`).
pub const FALLBACK_NAME: &str = "download";

/// The longest name we keep, in bytes (file systems allow 255).
const MAX_NAME_BYTES: usize = 200;

/// A safe file name for `url`: its last path segment, percent-decoded, then cleaned.
///
/// The decoding comes **first** and the cleaning after it, so that `%2e%2e%2f` (which decodes to
/// `../`) cannot slip a separator or a `..` past the checks. The result has no `/` or `\`, no
/// `..`, no control characters, no leading dot, is at most 200 bytes and is never empty.
///
/// ```
/// use downloader::name::sanitize_file_name;
/// assert_eq!(sanitize_file_name("http://h/a/photo.png?size=2#top"), "photo.png");
/// assert_eq!(sanitize_file_name("http://h/files/%2e%2e%2f%2e%2e%2fx"), "_._x");
/// assert_eq!(sanitize_file_name("http://h/files/%2Fetc%2Fpasswd"), "_etc_passwd");
/// assert_eq!(sanitize_file_name("http://h/"), "download");
/// ```
pub fn sanitize_file_name(url: &str) -> String {
    let segment = last_segment(url);
    clean(&percent_decode(segment))
}

/// The last non-empty segment of the URL's path, still percent-encoded.
fn last_segment(url: &str) -> &str {
    let without_fragment = url.split('#').next().unwrap_or("");
    let without_query = without_fragment.split('?').next().unwrap_or("");
    let path = match without_query.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => without_query,
    };
    path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("")
}

/// Makes one decoded segment a plain file name.
fn clean(decoded: &str) -> String {
    let mut name: String = decoded
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    while name.contains("..") {
        name = name.replace("..", ".");
    }
    let name = name
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' ']);
    let mut name = name.to_string();
    if name.len() > MAX_NAME_BYTES {
        let mut cut = MAX_NAME_BYTES;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    if name.is_empty() {
        FALLBACK_NAME.to_string()
    } else {
        name
    }
}

/// Decodes `%XX` escapes (invalid ones are kept as they are); invalid UTF-8 becomes `�`.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes everything but unreserved characters and `/` as `%XX` (for query values).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Hands out distinct names for one batch: the second `photo.png` becomes `photo-1.png`.
#[derive(Default, Debug)]
pub struct NameAllocator {
    taken: HashSet<String>,
}

impl NameAllocator {
    /// A fresh allocator.
    pub fn new() -> Self {
        Self::default()
    }

    /// `name` if it is still free, else `stem-1.ext`, `stem-2.ext`, ... (the first free one).
    pub fn allocate(&mut self, name: &str) -> String {
        let (stem, ext) = match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
            _ => (name, String::new()),
        };
        let mut candidate = name.to_string();
        let mut n = 1;
        // Names differ only in case on some file systems (macOS, Windows): compare lowercased.
        while self.taken.contains(&candidate.to_lowercase()) {
            candidate = format!("{stem}-{n}{ext}");
            n += 1;
        }
        self.taken.insert(candidate.to_lowercase());
        candidate
    }
}
