//! Core counts.

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
