//! Safe file names from hostile URLs.

use downloader::name::{NameAllocator, percent_decode, sanitize_file_name};

#[test]
fn plain_names_are_kept() {
    assert_eq!(
        sanitize_file_name("https://i.imgur.com/4lGmQfq.jpg"),
        "4lGmQfq.jpg"
    );
    assert_eq!(
        sanitize_file_name("http://h/a/b/c.tar.gz?x=1#y"),
        "c.tar.gz"
    );
    assert_eq!(sanitize_file_name("http://h/dir/"), "dir");
    assert_eq!(sanitize_file_name("http://h/caf%C3%A9.txt"), "café.txt");
}

#[test]
fn hostile_names_become_one_plain_component() {
    for url in [
        "http://h/../../x",
        "http://h/files/..%2f..%2fx",
        "http://h/files/%2e%2e%2f%2e%2e%2fx",
        "http://h/files/%2E%2E%5C%2E%2E%5Cx",
        "http://h/files/%2Fetc%2Fpasswd",
        "http://h/files/C%3A%5Cwindows",
        "http://h/files/..",
        "http://h/files/.",
        "http://h/files/%2e%2e",
        "http://h/files/%00%0a%1b",
        "http://h/",
        "http://h",
        "http://h/files/.hidden",
        "http://h/files/%252e%252e%252f",
    ] {
        let name = sanitize_file_name(url);
        assert!(!name.is_empty(), "{url}");
        assert!(
            !name.contains('/') && !name.contains('\\') && !name.contains(':'),
            "{url} → {name}"
        );
        assert!(!name.contains(".."), "{url} → {name}");
        assert!(!name.starts_with('.'), "{url} → {name}");
        assert!(name.chars().all(|c| !c.is_control()), "{url} → {name:?}");
        assert_eq!(
            std::path::Path::new(&name).components().count(),
            1,
            "{url} → {name}"
        );
    }
}

#[test]
fn decoding_happens_once() {
    // `%252e` is an encoded `%2e`: decoding once gives the text `%2e`, not a dot.
    assert_eq!(percent_decode("%252e"), "%2e");
    assert_eq!(percent_decode("100%"), "100%");
    assert_eq!(percent_decode("%zz"), "%zz");
}

#[test]
fn long_names_are_cut() {
    let url = format!("http://h/{}", "é".repeat(300));
    assert!(sanitize_file_name(&url).len() <= 200);
}

#[test]
fn the_allocator_adds_suffixes() {
    let mut names = NameAllocator::new();
    assert_eq!(names.allocate("a.png"), "a.png");
    assert_eq!(names.allocate("a.png"), "a-1.png");
    assert_eq!(names.allocate("A.png"), "A-2.png");
    assert_eq!(names.allocate("README"), "README");
    assert_eq!(names.allocate("README"), "README-1");
}
