//! Shared memory: a counter in a mapping that several processes increment (the seeds'
//! `multiprocessing.Value` under a `Lock`).
//!
//! Processes share nothing by default, but they can map the *same file* into their address
//! spaces ([`memmap2::MmapMut`] over a file in a temporary directory, on `/dev/shm` when there is
//! one, so it never touches a disk). Then a write by one process is a write into the other's
//! memory, with all the races of threads:
//! - [`Increment::LoadStore`] reads the counter, adds one, writes it back: two processes interleave
//!   and updates are lost (counted in the demo);
//! - [`Increment::FetchAdd`] is one atomic read-modify-write: exact;
//! - [`Increment::SpinLock`] is the seeds' version, a lock guarding a plain read-then-write: exact,
//!   and slower.
//!
//! Rust's atomics work across processes because they are instructions on memory, not on
//! objects the program owns; the mapping just has to be aligned (a mapping is page-aligned).
//! A plain (non-atomic) write racing with another process would be undefined behaviour, so the
//! lossy version uses two separate atomic operations: the race is the lost update, not UB.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use memmap2::MmapMut;

use crate::child::ChildGuard;

/// The hidden subcommand that plays the children of this demo
/// (`child counter <path> <increments> <mode> <processes>`).
pub const CHILD_ROLE: &str = "counter";

/// How a process increments the shared counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Increment {
    /// `store(load() + 1)`: a read-modify-write split in two, so updates get lost.
    LoadStore,
    /// `fetch_add(1)`: one atomic read-modify-write.
    FetchAdd,
    /// A spin lock in the mapping around `store(load() + 1)`.
    SpinLock,
}

impl Increment {
    /// Every mode, in teaching order.
    pub const ALL: [Increment; 3] = [
        Increment::LoadStore,
        Increment::FetchAdd,
        Increment::SpinLock,
    ];

    /// The mode's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Increment::LoadStore => "load-store",
            Increment::FetchAdd => "fetch-add",
            Increment::SpinLock => "spin-lock",
        }
    }

    /// Parses [`Increment::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// The layout of the shared file: four `u64` words.
const COUNTER: usize = 0;
const LOCK: usize = 1;
const READY: usize = 2;
const WORDS: usize = 4;

/// A file mapped into memory, seen as a few atomic words.
#[derive(Debug)]
pub struct SharedWords {
    map: MmapMut,
}

impl SharedWords {
    /// Creates (or truncates) the file at `path` with `words` zeroed words and maps it.
    pub fn create(path: &Path, words: usize) -> io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
        file.set_len((words * 8) as u64)?;
        Self::map(&file)
    }

    /// Maps an existing file.
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().read(true).write(true).open(path)?;
        Self::map(&file)
    }

    fn map(file: &File) -> io::Result<Self> {
        // SAFETY: the file is ours (a private temporary directory); other processes change it
        // only through atomic operations on aligned words, never by truncating it.
        let map = unsafe { MmapMut::map_mut(file)? };
        Ok(Self { map })
    }

    /// The `i`-th word as an atomic.
    pub fn word(&self, i: usize) -> &AtomicU64 {
        let bytes = &self.map[i * 8..(i + 1) * 8];
        let ptr = bytes.as_ptr() as *mut u64;
        assert!(ptr.is_aligned(), "mappings are page-aligned");
        // SAFETY: the pointer is in bounds (sliced above), aligned (checked), lives as long as
        // `self`, and every access to shared words goes through atomics.
        unsafe { AtomicU64::from_ptr(ptr) }
    }
}

/// A temporary directory for shared files: on `/dev/shm` (memory) when it exists.
pub fn shared_tempdir() -> io::Result<tempfile::TempDir> {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new()
            .prefix("ipc-lesson")
            .tempdir_in(shm)
    {
        return Ok(dir);
    }
    tempfile::Builder::new().prefix("ipc-lesson").tempdir()
}

/// Increments the counter `n` times the way `mode` says.
pub fn increment(words: &SharedWords, n: u64, mode: Increment) {
    let counter = words.word(COUNTER);
    let lock = words.word(LOCK);
    for _ in 0..n {
        match mode {
            Increment::LoadStore => {
                counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed)
            }
            Increment::FetchAdd => {
                counter.fetch_add(1, Ordering::Relaxed);
            }
            Increment::SpinLock => {
                while lock
                    .compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed)
                    .is_err()
                {
                    std::hint::spin_loop();
                }
                counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
                lock.store(0, Ordering::Release);
            }
        }
    }
}

/// Waits until `processes` processes have arrived (a barrier in the mapping), so that they
/// really run at the same time; gives up after a few seconds rather than hang.
fn start_together(words: &SharedWords, processes: u64) {
    let ready = words.word(READY);
    ready.fetch_add(1, Ordering::AcqRel);
    let give_up = Instant::now() + Duration::from_secs(5);
    while ready.load(Ordering::Acquire) < processes && Instant::now() < give_up {
        std::thread::yield_now();
    }
}

/// What a run of the counter produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterRun {
    /// The mode.
    pub mode: Increment,
    /// What the counter should read.
    pub expected: u64,
    /// What it reads.
    pub actual: u64,
    /// How long the children took.
    pub elapsed: Duration,
}

impl CounterRun {
    /// Increments lost to the race.
    pub fn lost(&self) -> u64 {
        self.expected - self.actual
    }
}

/// `processes` children of `exe` each increment a counter in one shared mapping `increments`
/// times.
pub fn counter(
    exe: &Path,
    processes: u64,
    increments: u64,
    mode: Increment,
) -> io::Result<CounterRun> {
    let dir = shared_tempdir()?;
    let path = dir.path().join("counter");
    let words = SharedWords::create(&path, WORDS)?;
    let start = Instant::now();
    let mut children = (0..processes)
        .map(|_| spawn_counter_child(exe, &path, increments, mode, processes))
        .collect::<io::Result<Vec<_>>>()?;
    for child in &mut children {
        let status = child.finish_within(Duration::from_secs(30))?;
        if !status.success() {
            return Err(io::Error::other(format!(
                "a counter child failed: {status}"
            )));
        }
    }
    Ok(CounterRun {
        mode,
        expected: processes * increments,
        actual: words.word(COUNTER).load(Ordering::Acquire),
        elapsed: start.elapsed(),
    })
}

fn spawn_counter_child(
    exe: &Path,
    path: &Path,
    increments: u64,
    mode: Increment,
    processes: u64,
) -> io::Result<ChildGuard> {
    ChildGuard::spawn(
        Command::new(exe)
            .args(["child", CHILD_ROLE])
            .arg(path)
            .args([
                increments.to_string(),
                mode.name().to_string(),
                processes.to_string(),
            ])
            .stdin(Stdio::null()),
    )
}

/// The child's side: map `path`, wait for the others, increment.
pub fn child_main(
    path: PathBuf,
    increments: u64,
    mode: Increment,
    processes: u64,
) -> io::Result<()> {
    let words = SharedWords::open(&path)?;
    start_together(&words, processes);
    increment(&words, increments, mode);
    Ok(())
}

/// What `ipc shared` shows: the counter incremented each way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedReport {
    /// Processes incrementing.
    pub processes: u64,
    /// Increments per process.
    pub increments: u64,
    /// One run per way of incrementing.
    pub runs: Vec<CounterRun>,
}

/// [`counter`] with every [`Increment`] in turn.
pub fn demo(exe: &Path, processes: u64, increments: u64) -> io::Result<SharedReport> {
    let runs = Increment::ALL
        .into_iter()
        .map(|mode| counter(exe, processes, increments, mode))
        .collect::<io::Result<_>>()?;
    Ok(SharedReport {
        processes,
        increments,
        runs,
    })
}

impl std::fmt::Display for SharedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "== Shared memory: {} processes × {} increments on one mapped counter ==",
            self.processes, self.increments
        )?;
        for r in &self.runs {
            writeln!(
                f,
                "{:>10}: counter = {:>9} (expected {}), lost updates: {:>7}  in {:.2?}",
                r.mode.name(),
                r.actual,
                r.expected,
                r.lost(),
                r.elapsed
            )?;
        }
        Ok(())
    }
}
