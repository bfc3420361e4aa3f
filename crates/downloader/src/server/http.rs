//! Just enough HTTP/1.1 for the local server: read a request head and the query of its target,
//! write an answer.

use std::io::{self, BufRead, Read, Write};

/// A request head: method, target, and whether the client wants the connection closed.
#[derive(Debug)]
pub(crate) struct RequestHead {
    pub(crate) target: String,
    pub(crate) close: bool,
    pub(crate) body_length: u64,
    /// The `Range` header, as sent (`bytes=100-`).
    pub(crate) range: Option<String>,
    /// The `If-Range` header, as sent (an `ETag`).
    pub(crate) if_range: Option<String>,
}

/// Reads one request head; `Ok(None)` when the client closed the connection between requests.
pub(crate) fn read_head(reader: &mut impl BufRead) -> io::Result<Option<RequestHead>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (_method, target, version) = (
        parts.next(),
        parts.next(),
        parts.next().unwrap_or("HTTP/1.0"),
    );
    let target = target
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad request line"))?
        .to_string();
    let mut head = RequestHead {
        target,
        close: version == "HTTP/1.0",
        body_length: 0,
        range: None,
        if_range: None,
    };
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let (name, raw) = (name.trim().to_ascii_lowercase(), value.trim());
            let value = raw.to_ascii_lowercase();
            match name.as_str() {
                "connection" if value.contains("close") => head.close = true,
                "connection" if value.contains("keep-alive") => head.close = false,
                "content-length" => head.body_length = value.parse().unwrap_or(0),
                // An ETag is case-sensitive: keep these as they came.
                "range" => head.range = Some(raw.to_string()),
                "if-range" => head.if_range = Some(raw.to_string()),
                _ => {}
            }
        }
    }
    // A GET has no body, but skip one if a client sent it, to stay in step.
    io::copy(&mut reader.take(head.body_length), &mut io::sink())?;
    Ok(Some(head))
}

/// A well-formed answer: status, headers, and a body of known length.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Box<dyn Read + Send>,
    pub(crate) length: u64,
}

/// Writes `answer`; `close` adds `Connection: close`.
pub(crate) fn write_answer(
    out: &mut impl Write,
    mut answer: Answer,
    close: bool,
) -> io::Result<()> {
    write!(
        out,
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
        answer.status,
        reason(answer.status),
        answer.length
    )?;
    for (name, value) in &answer.headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    if close {
        write!(out, "Connection: close\r\n")?;
    }
    write!(out, "\r\n")?;
    io::copy(&mut answer.body.as_mut().take(answer.length), out)?;
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// The query parameters of a URL, decoded (`a=1&b=x%20y`).
pub(crate) fn query_params(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                crate::name::percent_decode(key),
                crate::name::percent_decode(&value.replace('+', " ")),
            )
        })
        .collect()
}

/// The value of parameter `key`, parsed, if present and valid.
pub(crate) fn param<T: std::str::FromStr>(params: &[(String, String)], key: &str) -> Option<T> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.parse().ok())
}
