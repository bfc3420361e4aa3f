//! Which URLs we fetch: http and https only, given by the user (on the command line or in a
//! list, [`collect`]) or by a redirect.
//!
//! ureq can follow redirects by itself, but it takes a `Location: file:///etc/passwd` for a path
//! on the same server and asks that server for `/etc/passwd`: the user then sees "404" and never
//! learns where the redirect pointed. The [`crate::Downloader`] follows redirects itself, one at a
//! time, and refuses any that leave http and https, naming the target.

use std::path::Path;

use crate::error::DownloadError;

/// The URLs of a batch: `given` ones, then those listed in the file `list`, one per line (blank
/// lines and lines starting with `#` are skipped). Every one is checked with [`validate_url`]
/// before anything is downloaded, and an empty batch is refused.
pub fn collect(given: &[String], list: Option<&Path>) -> Result<Vec<String>, DownloadError> {
    let mut urls = given.to_vec();
    if let Some(list) = list {
        let text = std::fs::read_to_string(list).map_err(|source| DownloadError::UrlList {
            path: list.to_path_buf(),
            source,
        })?;
        urls.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from),
        );
    }
    if urls.is_empty() {
        return Err(DownloadError::NoUrls);
    }
    urls.iter().try_for_each(|url| validate_url(url))?;
    Ok(urls)
}

/// Checks that `url` is an absolute http(s) URL with a host.
pub fn validate_url(url: &str) -> Result<(), DownloadError> {
    let invalid = |reason: &str| DownloadError::InvalidUrl {
        url: url.to_string(),
        reason: reason.to_string(),
    };
    // The scheme first: `file:///x` is not even a valid http URI, but "unsupported scheme" is the
    // message that helps.
    if let Some((scheme, _)) = url.split_once("://")
        && !scheme.eq_ignore_ascii_case("http")
        && !scheme.eq_ignore_ascii_case("https")
    {
        return Err(DownloadError::UnsupportedScheme {
            url: url.to_string(),
            scheme: scheme.to_string(),
        });
    }
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e: ureq::http::uri::InvalidUri| invalid(&e.to_string()))?;
    let scheme = uri
        .scheme_str()
        .ok_or_else(|| invalid("no scheme (write http:// or https://)"))?;
    if scheme != "http" && scheme != "https" {
        return Err(DownloadError::UnsupportedScheme {
            url: url.to_string(),
            scheme: scheme.to_string(),
        });
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    Ok(())
}

/// The absolute URL a redirect's `Location` points to, seen from `base`, the URL that answered:
/// absolute (`https://h/x`), without a scheme (`//h/x`), from the root (`/x`) or relative (`x`).
/// A target that is not http or https is refused by name.
pub fn resolve_redirect(base: &str, location: &str) -> Result<String, DownloadError> {
    let uri: ureq::http::Uri = base.parse().map_err(|e| DownloadError::InvalidUrl {
        url: base.to_string(),
        reason: format!("{e}"),
    })?;
    let scheme = uri.scheme_str().unwrap_or("http");
    let authority = uri.authority().map_or("", |a| a.as_str());
    let has_scheme = location.split_once(':').is_some_and(|(s, _)| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    let target = if has_scheme {
        location.to_string()
    } else if location.starts_with("//") {
        format!("{scheme}:{location}")
    } else if location.starts_with('/') {
        format!("{scheme}://{authority}{location}")
    } else {
        let path = uri.path();
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        format!("{scheme}://{authority}{dir}{location}")
    };
    match validate_url(&target) {
        Err(DownloadError::UnsupportedScheme { .. }) => Err(DownloadError::RedirectRefused {
            target: location.to_string(),
        }),
        other => other.map(|()| target),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets_resolve_against_the_url_that_answered() {
        let base = "http://h:8/a/b?q=1";
        let resolve = |loc| resolve_redirect(base, loc).unwrap();
        assert_eq!(resolve("https://x/y"), "https://x/y");
        assert_eq!(resolve("//x/y"), "http://x/y");
        assert_eq!(resolve("/y?z=1"), "http://h:8/y?z=1");
        assert_eq!(resolve("c"), "http://h:8/a/c");
    }

    #[test]
    fn redirects_out_of_http_are_refused_by_name() {
        for target in ["file:///etc/passwd", "ftp://h/x", "javascript:alert(1)"] {
            let error = resolve_redirect("http://h/", target).unwrap_err();
            assert!(error.to_string().contains(target), "{target}: {error}");
        }
    }

    #[test]
    fn a_batch_is_the_given_urls_then_the_listed_ones_all_checked() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("urls.txt");
        std::fs::write(&list, "# a comment\n\n  http://h/b  \nhttps://h/c\n").unwrap();
        let given = ["http://h/a".to_string()];
        assert_eq!(
            collect(&given, Some(&list)).unwrap(),
            ["http://h/a", "http://h/b", "https://h/c"]
        );
        std::fs::write(&list, "http://h/ok\nftp://h/no\n").unwrap();
        assert!(matches!(
            collect(&[], Some(&list)),
            Err(DownloadError::UnsupportedScheme { .. })
        ));
    }

    #[test]
    fn an_empty_batch_and_a_missing_list_are_bad_input() {
        let missing = Path::new("/no/such/list.txt");
        for error in [
            collect(&[], None).unwrap_err(),
            collect(&[], Some(missing)).unwrap_err(),
        ] {
            assert!(error.is_bad_input(), "{error}");
        }
        assert_eq!(
            collect(&[], Some(missing)).unwrap_err().to_string(),
            "reading /no/such/list.txt"
        );
    }
}
