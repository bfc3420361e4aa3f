//! Cancelling a download: the naive writer leaves half a file, the safe one leaves nothing.

use std::time::Duration;

use async_io::cancel::{FILE_NAME, demo, left_behind};
use async_io::download::AsyncDownloader;
use downloader::{Config, Job, LocalServer};

const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn the_naive_writer_leaves_half_a_file_and_the_safe_one_nothing() {
    let report = testkit::deadline(LIMIT, || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        // 8 pieces 100 ms apart, cancelled after 250 ms: some pieces came, not all.
        demo(
            &server,
            dir.path(),
            8_000,
            8,
            Duration::from_millis(100),
            Duration::from_millis(250),
        )
        .unwrap()
    });
    let naive = report
        .naive
        .final_file
        .expect("the naive writer left its file");
    assert!(naive < 8_000, "the naive file is complete ({naive} bytes)?");
    assert_eq!(report.naive.temporary_files, 0);
    assert_eq!(report.safe.final_file, None);
    assert_eq!(report.safe.temporary_files, 0);
    assert_eq!(report.uncancelled.final_file, Some(8_000));
    assert_eq!(report.uncancelled.temporary_files, 0);
    assert!(report.all_correct());
    let mut leaky = report.clone();
    leaky.safe.temporary_files = 1;
    assert!(
        !leaky.all_correct(),
        "a temporary file left behind fails the check"
    );
    assert!(
        report.timeout_error.contains("deadline"),
        "{}",
        report.timeout_error
    );
}

#[test]
fn a_download_dropped_mid_body_leaves_no_partial_file() {
    testkit::deadline(LIMIT, || {
        let server = LocalServer::start().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let job = Job {
            index: 0,
            url: server.url("/slow-body?size=4000&chunks=4&delay_ms=200"),
            dest: dir.path().join(FILE_NAME),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let downloader = AsyncDownloader::new(Config::default());
            let mut download = std::pin::pin!(downloader.download(&job));
            // Poll it until the temporary file exists, so the drop happens mid-body.
            let started = tokio::time::timeout(LIMIT, async {
                loop {
                    tokio::select! {
                        _ = &mut download => return false,
                        () = tokio::time::sleep(Duration::from_millis(5)) => {
                            if left_behind(dir.path()).temporary_files == 1 {
                                return true;
                            }
                        }
                    }
                }
            })
            .await
            .unwrap();
            assert!(started, "the download ended before it could be cancelled");
        });
        // The pinned future was dropped at the end of the block above: that is the cancellation.
        let left = left_behind(dir.path());
        assert_eq!((left.final_file, left.temporary_files), (None, 0));
    });
}
