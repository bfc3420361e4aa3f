//! Core counts.

use testkit::assert_says;
use threads_basics::cores;

#[test]
fn there_is_at_least_one_core_of_each_kind() {
    let c = cores::cores();
    assert!(c.logical >= 1);
    assert!(c.physical >= 1);
    assert_eq!(
        c.logical,
        std::thread::available_parallelism().unwrap().get()
    );
    assert_eq!(c.physical, num_cpus::get_physical());
}

#[test]
fn the_report_names_both_counts() {
    let c = cores::cores();
    assert_says(
        c,
        &[
            &format!("(available_parallelism): {}", c.logical),
            &format!("(num_cpus::get_physical): {}", c.physical),
        ],
    );
}
