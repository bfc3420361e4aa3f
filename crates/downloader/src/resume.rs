//! Resuming a partial download with an HTTP range request (`--continue`).
//!
//! Without `--continue`, a download that fails leaves nothing behind: its temporary file is
//! deleted. With it, the bytes received so far are kept in a *partial file* next to the final
//! one, `.NAME.partial` (hidden, so it cannot collide with a downloaded name, which never starts
//! with a dot), and the next try asks only for the rest: `Range: bytes=N-`.
//!
//! Resuming is only safe when the bytes kept and the bytes still to come belong to the same file,
//! so three checks guard it:
//! - the first answer says `Accept-Ranges: bytes`, or no partial file is kept at all;
//! - the server's `ETag` (a version tag of the file), when it gave one, is stored beside the
//!   partial file (`.NAME.partial.etag`) and sent back as `If-Range`: a server whose file changed
//!   answers with the whole new file (200) instead of a piece of it;
//! - the answer to the range request is `206 Partial Content` with a `Content-Range` that starts
//!   exactly where the partial file ends (and the same `ETag`).
//!
//! Anything else, and the download starts over from byte 0. Once complete, the partial file is
//! renamed to the final name and its `.etag` removed.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ureq::http::{HeaderMap, StatusCode};

/// The partial file of one destination, and the `ETag` stored beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    path: PathBuf,
    etag_path: PathBuf,
}

/// Where a download resumes: the bytes already there, and the version they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumePoint {
    /// Bytes in the partial file.
    pub offset: u64,
    /// The `ETag` of the file they came from, if the server gave one.
    pub etag: Option<String>,
}

impl ResumePoint {
    /// The `Range` header that asks for the rest: `bytes=OFFSET-`.
    pub fn range(&self) -> String {
        format!("bytes={}-", self.offset)
    }
}

impl Partial {
    /// The partial file of `dest`: `.NAME.partial` in the same directory.
    pub fn of(dest: &Path) -> Partial {
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = dest.parent().unwrap_or(Path::new("."));
        Partial {
            path: dir.join(format!(".{name}.partial")),
            etag_path: dir.join(format!(".{name}.partial.etag")),
        }
    }

    /// The path of the partial file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where to resume, if a non-empty partial file is there.
    pub fn resume_point(&self) -> Option<ResumePoint> {
        let offset = fs::metadata(&self.path).ok()?.len();
        (offset > 0).then(|| ResumePoint {
            offset,
            etag: fs::read_to_string(&self.etag_path).ok(),
        })
    }

    /// Starts the partial file afresh for a file of version `etag`.
    pub fn start(&self, etag: Option<&str>) -> io::Result<File> {
        match etag {
            Some(etag) => fs::write(&self.etag_path, etag)?,
            None => remove_if_there(&self.etag_path)?,
        }
        File::create(&self.path)
    }

    /// Opens the partial file to add the rest at its end.
    pub fn append(&self) -> io::Result<File> {
        OpenOptions::new().append(true).open(&self.path)
    }

    /// The download is complete: the partial file becomes `dest`.
    pub fn complete(&self, mut file: File, dest: &Path) -> io::Result<()> {
        file.flush()?;
        drop(file);
        fs::rename(&self.path, dest)?;
        remove_if_there(&self.etag_path)
    }

    /// Deletes the partial file and its `ETag` (nothing to resume any more).
    pub fn discard(&self) -> io::Result<()> {
        remove_if_there(&self.path)?;
        remove_if_there(&self.etag_path)
    }
}

fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Whether the server says it serves ranges of this file (`Accept-Ranges: bytes`).
pub fn accepts_ranges(headers: &HeaderMap) -> bool {
    header(headers, "accept-ranges").is_some_and(|v| v.eq_ignore_ascii_case("bytes"))
}

/// The file's `ETag` if it is a strong one: a weak one (`W/"..."`) may not be used in `If-Range`.
pub fn strong_etag(headers: &HeaderMap) -> Option<String> {
    header(headers, "etag")
        .filter(|tag| tag.starts_with('"'))
        .map(String::from)
}

/// Checks an answer to the range request from `point`. `Ok(total)`, the size of the whole file,
/// when the body is exactly the rest of the file we have the start of; otherwise why not.
pub fn check_resumed(
    status: StatusCode,
    headers: &HeaderMap,
    point: &ResumePoint,
) -> Result<u64, &'static str> {
    if status != StatusCode::PARTIAL_CONTENT {
        return Err("the server sent the whole file instead of the rest");
    }
    if let Some(stored) = &point.etag
        && strong_etag(headers).as_ref() != Some(stored)
    {
        return Err("the file changed on the server (another ETag)");
    }
    let (start, end, total) = header(headers, "content-range")
        .and_then(parse_content_range)
        .ok_or("no usable Content-Range")?;
    if start != point.offset || end + 1 != total {
        return Err("the Content-Range is not the rest of the file");
    }
    Ok(total)
}

/// `bytes 100-199/1000` → `(100, 199, 1000)`; `None` for anything else (`*` sizes included).
pub fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let range = value.trim().strip_prefix("bytes ")?;
    let (span, total) = range.split_once('/')?;
    let (start, end) = span.split_once('-')?;
    let (start, end, total) = (start.parse().ok()?, end.parse().ok()?, total.parse().ok()?);
    (start <= end && end < total).then_some((start, end, total))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_parse() {
        assert_eq!(
            parse_content_range("bytes 100-199/1000"),
            Some((100, 199, 1000))
        );
        assert_eq!(parse_content_range("bytes 0-0/1"), Some((0, 0, 1)));
        assert_eq!(parse_content_range("bytes */1000"), None);
        assert_eq!(parse_content_range("bytes 5-4/10"), None);
        assert_eq!(parse_content_range("bytes 0-10/10"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
    }

    #[test]
    fn the_partial_file_is_hidden_beside_the_destination() {
        let partial = Partial::of(Path::new("out/photo.png"));
        assert_eq!(partial.path(), Path::new("out/.photo.png.partial"));
    }
}
