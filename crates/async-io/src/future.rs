//! What async is, shown rather than told: a future is a state machine that does nothing until it
//! is polled; an executor polls it; `.await` hands control back to the executor.
//!
//! Three pieces, each small enough to read in a minute:
//!
//! - [`Timer`], a *leaf* future written by hand. Its first `poll` starts the wait (a thread that
//!   sleeps) and returns `Pending`, after keeping the [`Waker`] it was given; when the wait is over
//!   the thread calls `wake`, and the executor polls again, which now returns `Ready`. Creating a
//!   `Timer` does nothing at all: no thread, no clock.
//! - [`add_later`], an `async fn` (wait, add, wait, return the sum), and [`AddLater`], the same
//!   thing written by hand as the enum the compiler makes of it: one variant per `.await` point,
//!   holding the variables that live across it.
//! - [`block_on`], an executor in twenty lines: poll; on `Pending`, sleep until the waker is
//!   called; poll again. tokio's executor does the same for thousands of tasks at once, with one
//!   waker per task and the operating system's `epoll` instead of a thread per timer.
//!
//! [`PollCount`] wraps any future and counts the polls, so the demo can show the number: 0 before
//! anyone polls, 3 for `add_later` (start, after the first wait, after the second).

use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use serde::Serialize;

/// A future that completes `duration` after its first poll. Written by hand, with a waker.
///
/// The wait is a thread of its own (to keep the example free of any runtime): a real runtime
/// registers the deadline with its timer wheel instead, but the protocol with the waker is the same.
#[derive(Debug)]
pub struct Timer {
    duration: Duration,
    /// `None` until the first poll: a future that was never polled has done nothing.
    shared: Option<Arc<Mutex<TimerState>>>,
}

#[derive(Debug)]
struct TimerState {
    done: bool,
    waker: Waker,
}

impl Timer {
    /// A timer of `duration`. Nothing starts until it is polled.
    pub fn after(duration: Duration) -> Timer {
        Timer {
            duration,
            shared: None,
        }
    }

    /// Whether the wait has started (it starts at the first poll).
    pub fn started(&self) -> bool {
        self.shared.is_some()
    }
}

impl Future for Timer {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let duration = self.duration;
        let shared = self.shared.get_or_insert_with(|| {
            let shared = Arc::new(Mutex::new(TimerState {
                done: false,
                waker: cx.waker().clone(),
            }));
            let theirs = Arc::clone(&shared);
            thread::spawn(move || {
                thread::sleep(duration);
                let mut state = lock(&theirs);
                state.done = true;
                // Wake whoever polled last: the future may have moved to another task since.
                state.waker.wake_by_ref();
            });
            shared
        });
        let mut state = lock(shared);
        if state.done {
            return Poll::Ready(());
        }
        // The contract of `poll`: before returning `Pending`, arrange for *this* waker to be woken.
        if !state.waker.will_wake(cx.waker()) {
            state.waker = cx.waker().clone();
        }
        Poll::Pending
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The state is two plain fields set in one go: a panic cannot leave it half-updated.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Waits `wait`, adds, waits again, returns the sum: two `.await` points.
pub async fn add_later(a: u64, b: u64, wait: Duration) -> u64 {
    Timer::after(wait).await;
    let sum = a + b;
    Timer::after(wait).await;
    sum
}

/// [`add_later`] written by hand: the state machine the compiler generates for it, one state per
/// `.await`, each holding what lives across that `.await`.
#[derive(Debug)]
pub enum AddLater {
    /// Not polled yet: only the arguments.
    Start {
        /// First addend.
        a: u64,
        /// Second addend.
        b: u64,
        /// Each wait.
        wait: Duration,
    },
    /// At the first `.await`.
    FirstWait {
        /// The pending timer.
        timer: Timer,
        /// First addend.
        a: u64,
        /// Second addend.
        b: u64,
        /// Each wait.
        wait: Duration,
    },
    /// At the second `.await`: the sum is computed and kept.
    SecondWait {
        /// The pending timer.
        timer: Timer,
        /// The sum.
        sum: u64,
    },
    /// Returned its value; polling again is a bug.
    Done,
}

impl AddLater {
    /// The same call as `add_later(a, b, wait)`.
    pub fn new(a: u64, b: u64, wait: Duration) -> AddLater {
        AddLater::Start { a, b, wait }
    }
}

impl Future for AddLater {
    type Output = u64;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> {
        // Every field is `Unpin` (a `Timer` holds no self-references), so plain `&mut` is fine.
        let this = self.get_mut();
        loop {
            match this {
                AddLater::Start { a, b, wait } => {
                    *this = AddLater::FirstWait {
                        timer: Timer::after(*wait),
                        a: *a,
                        b: *b,
                        wait: *wait,
                    };
                }
                AddLater::FirstWait { timer, a, b, wait } => {
                    // `.await` is this: poll the inner future, and hand `Pending` up if it is not done.
                    if Pin::new(timer).poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    *this = AddLater::SecondWait {
                        timer: Timer::after(*wait),
                        sum: *a + *b,
                    };
                }
                AddLater::SecondWait { timer, sum } => {
                    if Pin::new(timer).poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                    let sum = *sum;
                    *this = AddLater::Done;
                    return Poll::Ready(sum);
                }
                AddLater::Done => panic!("AddLater polled after it returned"),
            }
        }
    }
}

/// Wraps a future and counts how many times it is polled.
#[derive(Debug)]
pub struct PollCount<F> {
    inner: F,
    polls: Arc<AtomicUsize>,
}

impl<F> PollCount<F> {
    /// Wraps `inner`; [`PollCount::counter`] reads the count, even after the future is gone.
    pub fn new(inner: F) -> PollCount<F> {
        PollCount {
            inner,
            polls: Arc::default(),
        }
    }

    /// A handle on the number of polls so far.
    pub fn counter(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.polls)
    }
}

impl<F: Future + Unpin> Future for PollCount<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        Pin::new(&mut self.inner).poll(cx)
    }
}

/// The waker of [`block_on`]: a flag, and the thread to unpark.
struct ThreadWaker {
    thread: Thread,
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.thread.unpark();
    }
}

/// Runs `future` to completion on this thread: the smallest executor there is.
///
/// It polls once; on `Pending` it parks the thread until the waker is called (`park` may also
/// return for no reason, so it checks the flag), then polls again.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Arc::new(ThreadWaker {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
    let context_waker = Waker::from(Arc::clone(&waker));
    let mut cx = Context::from_waker(&context_waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        while !waker.woken.swap(false, Ordering::SeqCst) {
            thread::park();
        }
    }
}

/// One run of a future: its result, its polls, the time it took.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    /// Which future on which executor.
    pub label: String,
    /// What it returned.
    pub output: u64,
    /// How many times it was polled.
    pub polls: usize,
    /// Wall time from the first poll to the result.
    #[serde(serialize_with = "crate::report::seconds")]
    pub elapsed: Duration,
}

/// What the demo shows.
#[derive(Debug, Clone, Serialize)]
pub struct FutureReport {
    /// Each wait of `add_later`.
    #[serde(serialize_with = "crate::report::seconds")]
    pub wait: Duration,
    /// Polls of an `add_later` future that was created and dropped without an `.await`.
    pub polls_unawaited: usize,
    /// Whether a `Timer` that was created but never polled had started its wait.
    pub timer_started_unpolled: bool,
    /// Size in bytes of the `async fn`'s future: its largest state plus a tag, all inline.
    pub async_fn_bytes: usize,
    /// Size in bytes of the hand-written [`AddLater`].
    pub hand_written_bytes: usize,
    /// The hand-written state machine and the `async fn`, on [`block_on`] and on tokio.
    pub runs: Vec<Run>,
}

impl FutureReport {
    /// Whether every run, by hand or `async fn`, on either executor, gave 20 + 22.
    pub fn all_correct(&self) -> bool {
        self.runs.iter().all(|run| run.output == 42)
    }
}

/// The executors of the demo.
#[derive(Debug, Clone, Copy)]
enum Executor {
    BlockOn,
    Tokio,
}

impl Executor {
    fn name(self) -> &'static str {
        match self {
            Executor::BlockOn => "our block_on",
            Executor::Tokio => "tokio",
        }
    }
}

/// Runs the demo: a future that is never polled does nothing; the `async fn` and the hand-written
/// state machine give the same result after the same number of polls, on [`block_on`] and on a
/// tokio runtime alike (the futures do not care who polls them).
pub fn demo(wait: Duration) -> std::io::Result<FutureReport> {
    let unawaited = PollCount::new(Box::pin(add_later(1, 2, wait)));
    let polls = unawaited.counter();
    drop(unawaited);
    let polls_unawaited = polls.load(Ordering::SeqCst);

    // A current-thread runtime without its timer: our `Timer` brings its own thread.
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let mut runs = Vec::new();
    for executor in [Executor::BlockOn, Executor::Tokio] {
        runs.push(run(
            &format!("AddLater (by hand) on {}", executor.name()),
            AddLater::new(20, 22, wait),
            executor,
            &runtime,
        ));
        runs.push(run(
            &format!("add_later (async fn) on {}", executor.name()),
            Box::pin(add_later(20, 22, wait)),
            executor,
            &runtime,
        ));
    }
    Ok(FutureReport {
        wait,
        polls_unawaited,
        timer_started_unpolled: Timer::after(wait).started(),
        async_fn_bytes: std::mem::size_of_val(&add_later(20, 22, wait)),
        hand_written_bytes: std::mem::size_of::<AddLater>(),
        runs,
    })
}

/// Runs `future` on `executor`, counting its polls.
fn run<F>(label: &str, future: F, executor: Executor, runtime: &tokio::runtime::Runtime) -> Run
where
    F: Future<Output = u64> + Unpin,
{
    let counted = PollCount::new(future);
    let polls = counted.counter();
    let start = Instant::now();
    let output = match executor {
        Executor::BlockOn => block_on(counted),
        Executor::Tokio => runtime.block_on(counted),
    };
    Run {
        label: label.to_string(),
        output,
        polls: polls.load(Ordering::SeqCst),
        elapsed: start.elapsed(),
    }
}

impl std::fmt::Display for FutureReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "A future does nothing until polled: add_later(1, 2) created and dropped was polled {} times; \
             a Timer never polled started its wait: {}.",
            self.polls_unawaited, self.timer_started_unpolled
        )?;
        writeln!(
            f,
            "add_later(20, 22) waits {} ms twice. Same result, same polls, whoever polls:",
            self.wait.as_millis()
        )?;
        writeln!(
            f,
            "  {:<38} {:>6} {:>6} {:>9}",
            "future on executor", "result", "polls", "time"
        )?;
        for run in &self.runs {
            writeln!(
                f,
                "  {:<38} {:>6} {:>6} {:>7.1}ms",
                run.label,
                run.output,
                run.polls,
                run.elapsed.as_secs_f64() * 1e3
            )?;
        }
        write!(
            f,
            "Sizes: the async fn's future {} bytes, the hand-written enum {} bytes: a state machine \
             kept inline, no stack of its own (a thread reserves 2 MiB for its stack).",
            self.async_fn_bytes, self.hand_written_bytes
        )
    }
}
