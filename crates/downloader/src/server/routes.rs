//! What the server answers, path by path.

use std::collections::HashMap;
use std::io::{self, Cursor, Read, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use super::http::Answer;
use super::{param, pattern};
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

    /// The reply to `path` with its decoded query `params`.
    pub(crate) fn route(&self, path: &str, params: &[(String, String)]) -> Reply {
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
            _ => None,
        };
        match broken {
            Some(broken) => Reply::Broken(broken),
            None => Reply::Proper(self.answer(path, params)),
        }
    }

    fn answer(&self, path: &str, params: &[(String, String)]) -> Answer {
        let rate = param::<u64>(params, "rate");
        let segments: Vec<&str> = path.trim_start_matches('/').splitn(2, '/').collect();
        match segments.as_slice() {
            [""] => text(200, INDEX),
            ["gallery"] => self.gallery(params),
            ["images", name] => match image_index(name) {
                Some(i) => bytes(self.image(i).as_ref().clone(), "image/png", rate),
                None => text(404, "no such image"),
            },
            ["weather"] => weather_answer(params),
            ["bytes", n] => match n.parse::<usize>() {
                Ok(n) if n <= 1 << 30 => bytes(pattern(n), "application/octet-stream", rate),
                _ => text(400, "bad size"),
            },
            ["files", rest] => text(200, &format!("the file at /files/{rest}\n")),
            ["status", code] => match code.parse::<u16>() {
                Ok(code) if (200..600).contains(&code) => text(code, &format!("status {code}\n")),
                _ => text(400, "bad status"),
            },
            ["redirect", n] => redirect_chain(n, params),
            ["flaky", key] => self.flaky(key, params),
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

    fn flaky(&self, key: &str, params: &[(String, String)]) -> Answer {
        let fail = param::<u32>(params, "fail").unwrap_or(2);
        let code = param::<u16>(params, "code").unwrap_or(503);
        let mut counts = self
            .flaky
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let seen = counts.entry(key.to_string()).or_default();
        *seen += 1;
        if *seen <= fail {
            text(code, &format!("failure {seen} of {fail}\n"))
        } else {
            text(200, &format!("{key}: ok after {fail} failures\n"))
        }
    }
}

const INDEX: &str = "downloader's local server: /gallery /images/image-000.png /weather?q=Rome \
/bytes/N /files/... /status/CODE /redirect/N /flaky/KEY /slow-body /truncated /oversized /unannounced\n";

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

fn bytes(data: Vec<u8>, content_type: &str, rate: Option<u64>) -> Answer {
    answer(200, content_type, data, rate)
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
    }
    out.flush()
}

fn write_head(out: &mut impl Write, length: Option<usize>) -> io::Result<()> {
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n"
    )?;
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
