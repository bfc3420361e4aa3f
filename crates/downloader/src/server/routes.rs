//! What the server answers, path by path.

use std::collections::HashMap;
use std::io::{self, Cursor, Read, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use super::http::{Answer, RequestHead, param};
use crate::lock::lock;
use crate::{gallery, weather};

/// The longest a slow body may take in all, so no connection thread lingers.
const MAX_SLOW_BODY: Duration = Duration::from_secs(10);

/// What to send back: a proper answer, or one that breaks HTTP's promises on purpose (written
/// by hand, after which the server hangs up).
pub(crate) enum Reply {
    /// A well-formed answer.
    Proper(Answer),
    /// A deliberately broken one.
    Broken(Broken),
}

/// The misbehaving answers.
pub(crate) enum Broken {
    /// The body in `chunks` pieces, `delay` apart.
    SlowBody {
        size: usize,
        chunks: usize,
        delay: Duration,
    },
    /// Announces `size`, sends half.
    Truncated { size: usize },
    /// Announces `announced`, sends `actual`.
    Oversized { announced: usize, actual: usize },
    /// No `Content-Length`: the end of the body is the end of the connection.
    Unannounced { size: usize },
    /// Announces `size`, sends `sent`, then holds the connection open, silent.
    Stall { size: usize, sent: usize },
    /// `size` bytes, one every `interval`.
    Trickle { size: usize, interval: Duration },
    /// Announces `size`, sends half, hangs up; `etag`: a file served in ranges, of that version.
    Cut { size: usize, etag: Option<String> },
}

impl Broken {
    /// Whether the connection stays open after the answer, until the client hangs up.
    pub(crate) fn holds_on(&self) -> bool {
        matches!(self, Broken::Stall { .. })
    }
}

/// Gallery images up to this index are generated once and kept.
const CACHED_IMAGES: usize = 256;

/// The state the routes share: the address, cached images, flaky counters.
pub(crate) struct Routes {
    addr: SocketAddr,
    images: Vec<OnceLock<Arc<Vec<u8>>>>,
    flaky: Mutex<HashMap<String, u32>>,
}

impl Routes {
    pub(crate) fn new(addr: SocketAddr) -> Routes {
        let images = (0..CACHED_IMAGES).map(|_| OnceLock::new()).collect();
        Routes {
            addr,
            images,
            flaky: Mutex::new(HashMap::new()),
        }
    }

    /// The reply to `path` with its decoded query `params`, for the request `head`.
    pub(crate) fn route(
        &self,
        path: &str,
        params: &[(String, String)],
        head: &RequestHead,
    ) -> Reply {
        let size = param::<usize>(params, "size").unwrap_or(1000).min(1 << 26);
        let broken = match path {
            "/slow-body" => {
                let chunks = param::<usize>(params, "chunks").unwrap_or(4).clamp(1, 1000);
                let delay = Duration::from_millis(param(params, "delay_ms").unwrap_or(200));
                Some(Broken::SlowBody {
                    size,
                    chunks,
                    delay: delay.min(MAX_SLOW_BODY / chunks as u32),
                })
            }
            "/truncated" => Some(Broken::Truncated { size }),
            "/oversized" => {
                let announced = param::<usize>(params, "announced")
                    .unwrap_or(100)
                    .min(1 << 26);
                let actual = param::<usize>(params, "actual")
                    .unwrap_or(announced * 2)
                    .min(1 << 26);
                Some(Broken::Oversized { announced, actual })
            }
            "/unannounced" => Some(Broken::Unannounced { size }),
            "/stall" => Some(Broken::Stall {
                size,
                sent: param::<usize>(params, "sent").unwrap_or(size / 2).min(size),
            }),
            "/trickle" => Some(Broken::Trickle {
                size: param::<usize>(params, "size").unwrap_or(100).min(1 << 20),
                interval: Duration::from_millis(param(params, "interval_ms").unwrap_or(2000)),
            }),
            _ => None,
        };
        match broken {
            Some(broken) => Reply::Broken(broken),
            None => self.answer(path, params, head),
        }
    }

    fn answer(&self, path: &str, params: &[(String, String)], head: &RequestHead) -> Reply {
        let file = |data, content_type, etag: String| {
            Reply::Proper(ranged(data, content_type, &etag, params, head))
        };
        let segments: Vec<&str> = path.trim_start_matches('/').splitn(2, '/').collect();
        match segments.as_slice() {
            ["images", name] => match image_index(name) {
                Some(i) => file(
                    self.image(i).as_ref().clone(),
                    "image/png",
                    format!("image-{i}"),
                ),
                None => Reply::Proper(text(404, "no such image")),
            },
            ["bytes", n] => match n.parse::<usize>() {
                Ok(n) if n <= 1 << 30 => file(pattern(n), OCTETS, format!("bytes-{n}")),
                _ => Reply::Proper(text(400, "bad size")),
            },
            ["flaky", key] => match self.flaky(key, params) {
                Ok(size) => file(pattern(size), OCTETS, format!("flaky-{key}-{size}")),
                Err(reply) => reply,
            },
            _ => Reply::Proper(self.plain(segments.as_slice(), params)),
        }
    }

    /// The answers that are neither files nor broken.
    fn plain(&self, segments: &[&str], params: &[(String, String)]) -> Answer {
        match segments {
            [""] => text(200, INDEX),
            ["gallery"] => self.gallery(params),
            ["weather"] => weather_answer(params),
            ["files", rest] => text(200, &format!("the file at /files/{rest}\n")),
            ["status", code] => match code.parse::<u16>() {
                Ok(code) if (200..600).contains(&code) => text(code, &format!("status {code}\n")),
                _ => text(400, "bad status"),
            },
            ["redirect", n] => redirect_chain(n, params),
            _ => text(404, "not found\n"),
        }
    }

    fn image(&self, index: usize) -> Arc<Vec<u8>> {
        match self.images.get(index) {
            Some(cell) => Arc::clone(cell.get_or_init(|| Arc::new(gallery::png(index)))),
            None => Arc::new(gallery::png(index)),
        }
    }

    fn gallery(&self, params: &[(String, String)]) -> Answer {
        let count = param::<usize>(params, "count").unwrap_or(32).min(1000);
        let suffix = match param::<u64>(params, "image_latency_ms") {
            Some(ms) => format!("?latency_ms={ms}"),
            None => String::new(),
        };
        let urls: Vec<String> = (0..count)
            .map(|i| {
                format!(
                    "http://{}/images/{}{suffix}",
                    self.addr,
                    gallery::file_name(i)
                )
            })
            .collect();
        // `format=text`: one URL per line, ready for `downloader fetch --list`.
        if param::<String>(params, "format").as_deref() == Some("text") {
            return text(200, &(urls.join("\n") + "\n"));
        }
        json(200, &serde_json::json!({ "images": urls }))
    }

    /// Counts a request of `/flaky/KEY`: `Ok(size)` when the file is to be served whole, or the
    /// reply. With `code`, the failures get that status and the recovery a short text (what the
    /// retry exercises read); without it, the failures are bodies cut in the middle.
    fn flaky(&self, key: &str, params: &[(String, String)]) -> Result<usize, Reply> {
        let fail = param::<u32>(params, "fail").unwrap_or(1);
        let size = param::<usize>(params, "size").unwrap_or(1000).min(1 << 26);
        let seen = {
            let mut counts = lock(&self.flaky);
            let seen = counts.entry(key.to_string()).or_default();
            *seen += 1;
            *seen
        };
        let code = param::<u16>(params, "code");
        Err(match code {
            Some(_) if seen > fail => {
                Reply::Proper(text(200, &format!("{key}: ok after {fail} failures\n")))
            }
            Some(code) => Reply::Proper(text(code, &format!("failure {seen} of {fail}\n"))),
            None if seen > fail => return Ok(size),
            None => Reply::Broken(Broken::Cut {
                size,
                etag: serves_ranges(params)
                    .then(|| etag_of(&format!("flaky-{key}-{size}"), params)),
            }),
        })
    }
}

const INDEX: &str = "downloader's local server: /gallery /images/image-000.png /weather?q=Rome \
/bytes/N /files/... /status/CODE /redirect/N /flaky/KEY /slow-body /truncated /oversized /unannounced \
/stall /trickle\n";

const OCTETS: &str = "application/octet-stream";

/// A file the server serves in pieces if asked: `Accept-Ranges: bytes`, an `ETag`, and `206
/// Partial Content` for `Range: bytes=N-` or `bytes=N-M` when the `If-Range` (if any) is the
/// `ETag`. With `ranges=none` it is a server without ranges: the whole file every time.
fn ranged(
    data: Vec<u8>,
    content_type: &str,
    etag: &str,
    params: &[(String, String)],
    head: &RequestHead,
) -> Answer {
    let rate = param::<u64>(params, "rate");
    if !serves_ranges(params) {
        return answer(200, content_type, data, rate);
    }
    let etag = etag_of(etag, params);
    let len = data.len();
    let wanted = head
        .range
        .as_deref()
        .filter(|_| head.if_range.as_ref().is_none_or(|tag| *tag == etag))
        .and_then(|range| byte_range(range, len));
    let mut answer = match wanted {
        None => answer(200, content_type, data, rate),
        Some(Ok((start, end))) => {
            let mut piece = answer(206, content_type, data[start..=end].to_vec(), rate);
            let value = format!("bytes {start}-{end}/{len}");
            piece.headers.push(("Content-Range".into(), value));
            piece
        }
        Some(Err(())) => {
            let mut refusal = text(416, "range not satisfiable\n");
            refusal
                .headers
                .push(("Content-Range".into(), format!("bytes */{len}")));
            refusal
        }
    };
    answer
        .headers
        .push(("Accept-Ranges".into(), "bytes".into()));
    answer.headers.push(("ETag".into(), etag));
    answer
}

/// False when the query asks for a server without ranges (`ranges=none`).
fn serves_ranges(params: &[(String, String)]) -> bool {
    param::<String>(params, "ranges").as_deref() != Some("none")
}

/// The quoted `ETag` of a file named `tag`, or the one the query asks for (`etag=X`).
fn etag_of(tag: &str, params: &[(String, String)]) -> String {
    let tag = param::<String>(params, "etag").unwrap_or_else(|| tag.to_string());
    format!("\"{tag}\"")
}

/// The first and last byte of a single range `bytes=N-` or `bytes=N-M` of a file of `len` bytes:
/// `None` for what we do not serve (several ranges, suffixes), `Some(Err)` when it is past the end.
fn byte_range(range: &str, len: usize) -> Option<Result<(usize, usize), ()>> {
    let (start, end) = range.trim().strip_prefix("bytes=")?.split_once('-')?;
    let start: usize = start.parse().ok()?;
    let end = match end {
        "" => len.saturating_sub(1),
        end => end.parse::<usize>().ok()?.min(len.saturating_sub(1)),
    };
    Some(if start < len && start <= end {
        Ok((start, end))
    } else {
        Err(())
    })
}

/// `image-007.png` → 7.
fn image_index(name: &str) -> Option<usize> {
    name.strip_prefix("image-")?
        .strip_suffix(".png")?
        .parse()
        .ok()
}

fn weather_answer(params: &[(String, String)]) -> Answer {
    let city: String = param(params, "q").unwrap_or_default();
    let imperial = param::<String>(params, "units").as_deref() == Some("imperial");
    match weather::celsius(&city) {
        Some(celsius) => {
            let temp = if imperial {
                celsius * 9.0 / 5.0 + 32.0
            } else {
                celsius
            };
            json(
                200,
                &serde_json::json!({ "name": city, "main": { "temp": temp } }),
            )
        }
        None => json(
            404,
            &serde_json::json!({ "cod": "404", "message": "city not found" }),
        ),
    }
}

fn redirect_chain(n: &str, params: &[(String, String)]) -> Answer {
    let Ok(n) = n.parse::<u32>() else {
        return text(400, "bad count");
    };
    let to: String = param(params, "to").unwrap_or_else(|| "/bytes/16".into());
    if n == 0 {
        return redirect(302, &to);
    }
    let target = format!(
        "/redirect/{}?to={}",
        n - 1,
        crate::name::percent_encode(&to)
    );
    redirect(302, &target)
}

fn answer(status: u16, content_type: &str, data: Vec<u8>, rate: Option<u64>) -> Answer {
    let length = data.len() as u64;
    let body: Box<dyn Read + Send> = match rate {
        Some(rate) if rate > 0 => Box::new(Throttled::new(Cursor::new(data), rate)),
        _ => Box::new(Cursor::new(data)),
    };
    Answer {
        status,
        headers: vec![("Content-Type".into(), content_type.into())],
        body,
        length,
    }
}

fn text(code: u16, body: &str) -> Answer {
    answer(
        code,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
        None,
    )
}

fn json(code: u16, value: &serde_json::Value) -> Answer {
    answer(
        code,
        "application/json",
        value.to_string().into_bytes(),
        None,
    )
}

fn redirect(code: u16, location: &str) -> Answer {
    let mut answer = text(code, "redirect\n");
    answer.headers.push(("Location".into(), location.into()));
    answer
}

/// Writes a broken answer by hand; the caller hangs up afterwards.
pub(crate) fn write_broken(out: &mut impl Write, broken: Broken) -> io::Result<()> {
    match broken {
        Broken::SlowBody {
            size,
            chunks,
            delay,
        } => {
            write_head(out, Some(size))?;
            for piece in pattern(size).chunks(size.div_ceil(chunks).max(1)) {
                thread::sleep(delay);
                out.write_all(piece)?;
                out.flush()?;
            }
        }
        Broken::Truncated { size } => {
            write_head(out, Some(size))?;
            out.write_all(&pattern(size / 2))?;
        }
        Broken::Oversized { announced, actual } => {
            write_head(out, Some(announced))?;
            out.write_all(&pattern(actual))?;
        }
        Broken::Unannounced { size } => {
            write_head(out, None)?;
            out.write_all(&pattern(size))?;
        }
        Broken::Stall { size, sent } => {
            write_head(out, Some(size))?;
            out.write_all(&pattern(sent))?;
        }
        Broken::Trickle { size, interval } => {
            write_head(out, Some(size))?;
            out.flush()?;
            for byte in pattern(size) {
                thread::sleep(interval);
                // Fails once the client has hung up, which ends this connection's thread.
                out.write_all(&[byte])?;
                out.flush()?;
            }
        }
        Broken::Cut { size, etag } => {
            match etag {
                Some(etag) => {
                    let ranged = [("Accept-Ranges", "bytes"), ("ETag", etag.as_str())];
                    write_head_with(out, Some(size), &ranged)?;
                }
                None => write_head(out, Some(size))?,
            }
            out.write_all(&pattern(size / 2))?;
        }
    }
    out.flush()
}

/// The status line and headers of a broken answer.
fn write_head(out: &mut impl Write, length: Option<usize>) -> io::Result<()> {
    write_head_with(out, length, &[])
}

/// [`write_head`] with `extra` headers.
fn write_head_with(
    out: &mut impl Write,
    length: Option<usize>,
    extra: &[(&str, &str)],
) -> io::Result<()> {
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n"
    )?;
    for (name, value) in extra {
        write!(out, "{name}: {value}\r\n")?;
    }
    if let Some(length) = length {
        write!(out, "Content-Length: {length}\r\n")?;
    }
    write!(out, "\r\n")
}

/// A reader that gives at most `rate` bytes per second: a slow link.
struct Throttled<R> {
    inner: R,
    rate: u64,
}

impl<R> Throttled<R> {
    fn new(inner: R, rate: u64) -> Self {
        Throttled { inner, rate }
    }
}

impl<R: Read> Read for Throttled<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Hand out a twentieth of a second's worth, then wait that twentieth.
        let slice = ((self.rate / 20).max(1) as usize).min(buf.len());
        let n = self.inner.read(&mut buf[..slice])?;
        if n > 0 {
            thread::sleep(Duration::from_secs_f64(n as f64 / self.rate as f64));
        }
        Ok(n)
    }
}

/// `N` deterministic bytes: the bodies of `/bytes` and of the misbehaving endpoints.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}
