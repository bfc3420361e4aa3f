//! How many cores this machine has, and which number to use.
//!
//! The seeds ask `psutil.cpu_count(logical=False)` for physical cores and
//! `cpu_count(logical=True)` for logical processors (hardware threads: with SMT/Hyper-Threading
//! a physical core runs two). In Rust:
//!
//! - [`std::thread::available_parallelism`] gives the number of logical cores *this process may
//!   use*: it honours CPU affinity masks and container (cgroup) quotas, so it is the right default
//!   for "how many threads should I start".
//! - the `num_cpus` crate's `get_physical` counts physical cores (std has no such function).
//!
//! CPU-bound threads beyond the number of cores only take turns; waiting (I/O-bound) threads can
//! be many more, because they mostly sleep.

use std::fmt;

/// What the machine says about its cores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cores {
    /// Logical cores available to this process (`available_parallelism`, 1 if unknown).
    pub logical: usize,
    /// Physical cores (`num_cpus::get_physical`).
    pub physical: usize,
}

/// Logical cores this process may use; 1 if the OS will not say.
pub fn logical_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Physical cores of the machine.
pub fn physical_cores() -> usize {
    num_cpus::get_physical()
}

/// Both counts.
pub fn cores() -> Cores {
    Cores {
        logical: logical_cores(),
        physical: physical_cores(),
    }
}

impl fmt::Display for Cores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "logical cores available to this process (available_parallelism): {}",
            self.logical
        )?;
        writeln!(
            f,
            "physical cores (num_cpus::get_physical): {}",
            self.physical
        )
    }
}
