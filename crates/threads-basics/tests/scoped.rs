//! Scoped threads and Arc-shared threads.

use std::sync::Arc;
use std::time::Duration;

use testkit::{assert_says, deadline};
use threads_basics::{ThreadsError, scoped};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn scoped_and_arc_sums_agree() {
    deadline(LIMIT, || {
        let data: Vec<u64> = (1..=20).collect();
        let scoped_sums = scoped::scoped_chunk_sums(&data, 4).unwrap();
        assert_eq!(scoped_sums, [15, 40, 65, 90]);
        let shared = Arc::new(data);
        let arc_sums = scoped::arc_chunk_sums(Arc::clone(&shared), 4).unwrap();
        assert_eq!(arc_sums, scoped_sums);
        assert_eq!(
            Arc::strong_count(&shared),
            1,
            "every thread dropped its clone"
        );
    });
}

#[test]
fn uneven_chunks_and_more_parts_than_items() {
    deadline(LIMIT, || {
        let data: Vec<u64> = (1..=7).collect();
        assert_eq!(scoped::scoped_chunk_sums(&data, 3).unwrap(), [6, 15, 7]);
        assert_eq!(
            scoped::scoped_chunk_sums(&data, 100)
                .unwrap()
                .iter()
                .sum::<u64>(),
            28
        );
        assert_eq!(
            scoped::arc_chunk_sums(Arc::new(data), 100)
                .unwrap()
                .iter()
                .sum::<u64>(),
            28
        );
        assert!(scoped::scoped_chunk_sums(&[], 3).unwrap().is_empty());
    });
}

#[test]
fn doubling_in_place_touches_every_item_once() {
    deadline(LIMIT, || {
        let mut data: Vec<u64> = (0..1000).collect();
        scoped::scoped_double_in_place(&mut data, 3).unwrap();
        assert!(data.iter().enumerate().all(|(i, &x)| x == 2 * i as u64));
    });
}

#[test]
fn zero_parts_is_an_error() {
    assert!(matches!(
        scoped::scoped_chunk_sums(&[1], 0),
        Err(ThreadsError::ZeroThreads)
    ));
    assert!(matches!(
        scoped::arc_chunk_sums(Arc::new(vec![1]), 0),
        Err(ThreadsError::ZeroThreads)
    ));
    assert!(matches!(
        scoped::scoped_double_in_place(&mut [1], 0),
        Err(ThreadsError::ZeroThreads)
    ));
}

#[test]
fn the_demo_sums_both_ways_and_doubles() {
    deadline(LIMIT, || {
        let report = scoped::demo(4).unwrap();
        assert_eq!(report.scoped_sums, [15, 40, 65, 90]);
        assert_eq!(report.arc_sums, report.scoped_sums);
        assert_eq!(report.arc_count_after, 1);
        assert_eq!(
            report.doubled,
            (1..=20).map(|x| 2 * x).collect::<Vec<u64>>()
        );
        assert_says(&report, &["(Arc count back to 1)"]);
    });
}
