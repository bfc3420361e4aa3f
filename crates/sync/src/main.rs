//! `sync`: races, locks, deadlocks and the primitives. `sync` alone runs every demo briefly;
//! `sync <demo> --help` shows a demo's options.

// Under `--cfg loom` (the model-checking build) the library holds only the Semaphore and Event, so
// the demos are left out and the binary is empty.
#[cfg(not(loom))]
mod cli;

#[cfg(not(loom))]
fn main() -> anyhow::Result<()> {
    cli::main()
}

#[cfg(loom)]
fn main() {}
