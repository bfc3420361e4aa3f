//! `threads-basics`: the demos of the first lesson. Run with no subcommand for the whole lesson,
//! or one subcommand per topic (`--help` lists them).

use std::io::{BufReader, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use threads_basics::io_bound::{speedup, timed};
use threads_basics::never_ending::{
    Joined, StoppableWorker, TimedHandle, join_timeout, spawn_never_ending,
};
use threads_basics::timers::{Event, OneShotTimer, RepeatingTimer};
use threads_basics::{Log, Pace, cores, cpu_bound, daemon, io_bound, scoped, spawning, squares};

/// Plain threads in Rust: spawn, join, deadlines, stop flags, CPU- vs I/O-bound work, scoped
/// threads, timers. With no subcommand, every demo runs briefly.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    pace: PaceArgs,
    #[command(subcommand)]
    demo: Option<Demo>,
}

/// How long the demos sleep.
#[derive(Args, Debug, Clone, Copy)]
struct PaceArgs {
    /// Use the seeds' own durations (seconds-long sleeps) instead of 1/20 of them.
    #[arg(long, global = true, conflicts_with = "pace")]
    seed_durations: bool,
    /// Scale the seeds' durations by this factor (0 < FACTOR <= 10; default 0.05).
    #[arg(long, global = true, value_parser = parse_pace, allow_negative_numbers = true)]
    pace: Option<f64>,
}

impl PaceArgs {
    fn pace(self) -> Pace {
        match (self.seed_durations, self.pace) {
            (true, _) => Pace::seeds(),
            (false, Some(factor)) => Pace::with_factor(factor),
            (false, None) => Pace::brief(),
        }
    }
}

#[derive(Subcommand, Debug)]
enum Demo {
    /// Every demo, briefly (the default).
    All,
    /// Named workers sleeping for different times, Builder, values returned through join.
    Spawn,
    /// A thread that never ends: join with a deadline, then a stop flag.
    NeverEnding,
    /// I/O-bound work (simulated by sleeping): sequential vs one thread per task.
    Io {
        /// How many simulated requests.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=1000))]
        tasks: u16,
    },
    /// CPU-bound work: the sum of sqrt over 5,000,000 numbers on 1 vs N threads; wait vs computing.
    Cpu(CpuArgs),
    /// Scoped threads borrowing local data vs move + Arc.
    Scoped {
        /// How many threads (chunks).
        #[arg(long, default_value_t = 4, value_parser = parse_threads, allow_negative_numbers = true)]
        threads: usize,
    },
    /// Unjoined ("daemon") threads when main returns, shown in a child process.
    Daemon,
    /// Square numbers while another thread waits for a line on stdin (ends on EOF).
    Squares {
        /// Stop waiting for input after this many seconds (default: wait until a line or EOF).
        #[arg(long, value_parser = parse_seconds, allow_negative_numbers = true)]
        give_up_after: Option<Duration>,
    },
    /// A cancellable one-shot timer and stoppable repeating timers.
    Timers,
    /// Logical and physical cores.
    Cores,
    /// The child process of the `daemon` demo (started by it; not for direct use).
    #[command(name = "daemon-child", hide = true)]
    DaemonChild {
        #[arg(long)]
        tick_ms: u64,
        #[arg(long)]
        lifetime_ms: u64,
    },
}

#[derive(Args, Debug, Clone, Copy)]
struct CpuArgs {
    /// Threads to split the sum over (default: the logical core count).
    #[arg(long, value_parser = parse_threads, allow_negative_numbers = true)]
    threads: Option<usize>,
    /// How many numbers to sum the square roots of.
    #[arg(long, default_value_t = cpu_bound::SEED_NUMBERS,
          value_parser = clap::value_parser!(u64).range(1..=10_000_000_000))]
    numbers: u64,
    /// Runs of each variant; the fastest counts (the first run pays for warming up).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
}

impl Default for CpuArgs {
    fn default() -> Self {
        Self {
            threads: None,
            numbers: cpu_bound::SEED_NUMBERS,
            repeat: 3,
        }
    }
}

/// A thread count: 1 to 1024.
fn parse_threads(text: &str) -> Result<usize, String> {
    let n: i64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of threads"))?;
    match n {
        ..=0 => Err(format!("the number of threads must be at least 1, got {n}")),
        1..=1024 => Ok(n as usize),
        _ => Err(format!(
            "{n} threads is too many for this demo (at most 1024)"
        )),
    }
}

/// A duration in seconds: a number from 0 to 3600.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!(
            "a duration cannot be negative or infinite, got {text}"
        ));
    }
    if secs > 3600.0 {
        return Err(format!("{secs} s is more than an hour; pick at most 3600"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A pace factor: above 0, at most 10.
fn parse_pace(text: &str) -> Result<f64, String> {
    let factor: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if !factor.is_finite() || factor <= 0.0 || factor > 10.0 {
        return Err(format!(
            "the pace must be above 0 and at most 10, got {text}"
        ));
    }
    Ok(factor)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let pace = cli.pace.pace();
    match cli.demo.unwrap_or(Demo::All) {
        Demo::All => all(pace),
        Demo::Spawn => spawn_demo(pace),
        Demo::NeverEnding => never_ending_demo(pace),
        Demo::Io { tasks } => io_demo(pace, usize::from(tasks)),
        Demo::Cpu(args) => cpu_demo(pace, args),
        Demo::Scoped { threads } => scoped_demo(threads),
        Demo::Daemon => daemon_demo(pace),
        Demo::Squares { give_up_after } => squares_demo(give_up_after),
        Demo::Timers => timers_demo(pace),
        Demo::Cores => {
            cores_demo();
            Ok(())
        }
        Demo::DaemonChild {
            tick_ms,
            lifetime_ms,
        } => {
            daemon::child_main(
                Duration::from_millis(tick_ms),
                Duration::from_millis(lifetime_ms),
            );
            Ok(())
        }
    }
}

fn header(title: &str) {
    println!("\n=== {title} ===");
}

fn all(pace: Pace) -> Result<()> {
    println!(
        "threads-basics: every demo, with the seeds' sleeps scaled by {} (--seed-durations for the real ones)",
        pace.factor()
    );
    cores_demo();
    spawn_demo(pace)?;
    never_ending_demo(pace)?;
    io_demo(pace, 5)?;
    cpu_demo(pace, CpuArgs::default())?;
    scoped_demo(4)?;
    daemon_demo(pace)?;
    // With a terminal on stdin, give the reader a few seconds; piped or closed input ends by itself.
    let limit = Duration::from_secs(5);
    squares_demo(Some(limit))?;
    timers_demo(pace)?;
    println!("\nThat was the whole lesson. Each demo has its own subcommand: --help lists them.");
    Ok(())
}

fn spawn_demo(pace: Pace) -> Result<()> {
    header("Spawning and joining named threads");
    let log = Log::printing();
    spawning::run_workers(
        &[("Worker-1", pace.secs(2.0)), ("Worker-2", pace.secs(5.0))],
        &log,
    )?;
    println!("Worker-1 is joined first; Main then waits the rest of Worker-2's sleep.");

    let inputs = [3, 1, 4, 1, 5];
    let results = spawning::squares_through_join(&inputs)?;
    println!("Values returned through join (input order, whatever order the threads finished in):");
    for r in results {
        println!("  {:>9} returned {}", r.thread, r.value);
    }
    Ok(())
}

fn never_ending_demo(pace: Pace) -> Result<()> {
    header("A thread that never ends");
    let log = Log::printing();
    let (tick, limit) = (pace.secs(2.0), pace.secs(5.0));
    let handle = spawn_never_ending("Thread", tick, &log)?;
    log.say("Main: Thread started. A plain join() would wait forever, so: join with a deadline");
    match join_timeout(handle, limit) {
        Ok(_) => log.say("Main: the thread ended after all (it should not have)"),
        Err(handle) => log.say(format!(
            "Main: gave up after {:.3} s; is the thread finished? {} (it keeps running, detached)",
            limit.as_secs_f64(),
            handle.is_finished()
        )),
    }
    // Its chatter would run through the other demos: it still runs, but we stop printing it.
    log.mute();
    println!("(muting that thread's output from here on; it runs until the process exits)");

    let log = Log::printing();
    let timed = TimedHandle::spawn("Thread-2", move || {
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    })?;
    match timed.join_timeout(pace.secs(1.0)) {
        Joined::TimedOut(h) => log.say(format!(
            "Main: the channel-based join_timeout also gave up on {}; finished? {}",
            h.name(),
            h.is_finished()
        )),
        other => log.say(format!("Main: unexpected {other:?}")),
    }

    log.say("Main: now a stoppable loop: it checks a stop flag every round");
    let worker = StoppableWorker::spawn("Stoppable", tick, &log)?;
    std::thread::sleep(limit);
    log.say("Main: raising the stop flag");
    let rounds = worker.stop()?;
    log.say(format!(
        "Main: Stoppable joined after {rounds} rounds; nothing is left running"
    ));
    Ok(())
}

fn io_demo(pace: Pace, tasks: usize) -> Result<()> {
    header("I/O-bound work: sequential vs one thread per task");
    let log = Log::printing();
    let latencies = vec![pace.secs(2.0); tasks];
    let seq = timed(|| io_bound::sequential(&latencies, &log));
    let par = timed(|| io_bound::thread_per_task(&latencies, &log));
    let par_value = par.value?;
    anyhow::ensure!(seq.value == par_value, "the two runs disagree");
    println!(
        "{tasks} requests: sequential {:.3} s, thread per task {:.3} s, speedup {:.1}x",
        seq.elapsed.as_secs_f64(),
        par.elapsed.as_secs_f64(),
        speedup(seq.elapsed, par.elapsed)
    );
    println!("Waiting threads overlap their waits, even on one core (and even in Python).");
    Ok(())
}

/// Runs `f` `repeat` times and keeps the fastest run.
fn best_of<T>(repeat: u32, f: impl Fn() -> T) -> io_bound::Timed<T> {
    let mut best = timed(&f);
    for _ in 1..repeat {
        let run = timed(&f);
        if run.elapsed < best.elapsed {
            best = run;
        }
    }
    best
}

fn cpu_demo(pace: Pace, args: CpuArgs) -> Result<()> {
    header("CPU-bound work: sum of sqrt, 1 thread vs N");
    let c = cores::cores();
    let threads = args.threads.unwrap_or(c.logical);
    let n = args.numbers;
    println!(
        "{} logical cores, {} physical; summing sqrt(i) for i < {n}",
        c.logical, c.physical
    );
    let seq = best_of(args.repeat, || cpu_bound::sqrt_sum_sequential(n));
    println!(
        "  sequential      {:8.2} ms   sum = {:.6e}",
        ms(seq.elapsed),
        seq.value
    );
    let mut counts = vec![threads];
    if args.threads.is_none() && threads != 12 {
        counts.push(12); // the seeds' NUM_WORKERS
    }
    for t in counts {
        let par = best_of(args.repeat, || cpu_bound::sqrt_sum_threads(n, t));
        let value = par.value.context("summing on threads")?;
        println!(
            "  {t:3} threads     {:8.2} ms   sum = {value:.6e}   speedup {:.2}x",
            ms(par.elapsed),
            speedup(seq.elapsed, par.elapsed)
        );
    }
    println!(
        "In CPython the threaded version is no faster: the GIL lets one thread run Python code at a\n\
         time. Rust threads run at once on separate cores, so the speedup approaches the core count\n\
         ({}) for large enough work; beyond it, more threads only take turns.",
        c.logical
    );

    wait_vs_computing(pace, c.logical)
}

/// The seeds' comparison: `count` calls of a waiting task and of a computing task, serial and on
/// one thread each.
fn wait_vs_computing(pace: Pace, count: usize) -> Result<()> {
    let sleep = pace.secs(1.0);
    let iterations = ((cpu_bound::SEED_ITERATIONS as f64) * pace.factor()) as u64;
    println!(
        "\nwait (sleep {:.3} s) vs computing ({iterations} cos iterations), {count} calls each:",
        sleep.as_secs_f64()
    );
    let serial = timed(|| cpu_bound::run_serial(count, || cpu_bound::wait(sleep)));
    let threads = timed(|| cpu_bound::run_threads(count, move || cpu_bound::wait(sleep)));
    threads.value?;
    report_pair("wait", serial.elapsed, threads.elapsed);
    let serial = timed(|| cpu_bound::run_serial(count, || cpu_bound::computing(iterations)));
    let threads = timed(|| cpu_bound::run_threads(count, move || cpu_bound::computing(iterations)));
    let values = threads.value?;
    anyhow::ensure!(
        values == serial.value,
        "serial and threaded computing disagree"
    );
    report_pair("computing", serial.elapsed, threads.elapsed);
    println!("Python's threads speed up only `wait`; Rust's speed up both.");
    Ok(())
}

fn report_pair(task: &str, serial: Duration, threads: Duration) {
    println!(
        "  {task:>9}: serial {:8.2} ms, threads {:8.2} ms, speedup {:.2}x",
        ms(serial),
        ms(threads),
        speedup(serial, threads)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn scoped_demo(threads: usize) -> Result<()> {
    header("Scoped threads vs move + Arc");
    let mut data: Vec<u64> = (1..=20).collect();
    let scoped_sums = scoped::scoped_chunk_sums(&data, threads)?;
    println!("thread::scope, borrowing a local Vec: chunk sums {scoped_sums:?}");
    let shared = Arc::new(data.clone());
    let arc_sums = scoped::arc_chunk_sums(Arc::clone(&shared), threads)?;
    println!(
        "'static threads, each with an Arc clone: chunk sums {arc_sums:?} (Arc count back to {})",
        Arc::strong_count(&shared)
    );
    scoped::scoped_double_in_place(&mut data, threads)?;
    println!("scoped threads doubling disjoint &mut chunks in place: {data:?}");
    println!("No Arc, no Mutex, no 'static: the scope joins every thread before the borrow ends.");
    Ok(())
}

fn daemon_demo(pace: Pace) -> Result<()> {
    header("Unjoined (\"daemon\") threads when main returns");
    let exe = std::env::current_exe().context("finding this program to start it as a child")?;
    let tick = pace.secs(0.5).max(Duration::from_millis(10));
    let lifetime = tick * 5;
    let report = daemon::run_child(&exe, tick, lifetime, lifetime * 4 + Duration::from_secs(10))?;
    for line in &report.lines {
        println!("  child | {line}");
    }
    println!(
        "The joined worker finished: {}. The detached thread ticked {} of {} times and finished: {}.",
        report.worker_finished,
        report.daemon_ticks,
        daemon::DAEMON_TICKS,
        report.daemon_finished
    );
    println!(
        "When main returns, the process exits and every other thread stops mid-way: all Rust\n\
         threads act like Python's daemon=True. Join (or use thread::scope) to wait for them."
    );
    Ok(())
}

fn squares_demo(give_up_after: Option<Duration>) -> Result<()> {
    header("Squares while you type");
    let terminal = std::io::stdin().is_terminal();
    if terminal {
        println!("Enter something (Enter to finish):");
    } else {
        println!("(stdin is not a terminal: reading one line from it, or EOF)");
    }
    let input = BufReader::new(std::io::stdin());
    let s = squares::squares_while_reading(input, give_up_after)?;
    let typed = match &s.typed {
        squares::Typed::Line(text) => format!("while you typed {text:?}"),
        squares::Typed::Eof => "before stdin reached end of input".to_string(),
        squares::Typed::Error(err) => format!("until reading failed ({err})"),
        squares::Typed::GaveUp => "before giving up waiting for you".to_string(),
    };
    println!(
        "calculated squares up to {} * {} = {} {typed}",
        s.count, s.count, s.result
    );
    Ok(())
}

fn timers_demo(pace: Pace) -> Result<()> {
    header("Timers");
    let log = Log::printing();
    let l = log.clone();
    let timer = OneShotTimer::start(pace.secs(5.0), move || l.say("one-shot timer: fired"))?;
    log.say(format!(
        "timer activated, fires in {:.3} s",
        pace.secs(5.0).as_secs_f64()
    ));
    log.say(format!("it fired: {}", timer.wait()?));

    let l = log.clone();
    let timer = OneShotTimer::start(pace.secs(5.0), move || {
        l.say("cancelled timer: fired (must not happen)")
    })?;
    log.say(format!(
        "second timer cancelled before firing: {}",
        timer.cancel()?
    ));

    // The seeds' last example: two repeating timers that share one event; main sets it.
    let stop = Event::new();
    let mut timers = Vec::new();
    for name in ["timer-A", "timer-B"] {
        let l = log.clone();
        timers.push(RepeatingTimer::start_with_event(
            pace.secs(2.0),
            stop.clone(),
            move |n| {
                l.say(format!("{name}: hello, tick {n}"));
            },
        )?);
    }
    for _ in 0..3 {
        log.say("The main thread is doing something");
        std::thread::sleep(pace.secs(5.0));
    }
    log.say("Main: setting the event");
    stop.set();
    for timer in timers {
        let n = timer.join()?;
        log.say(format!(
            "a repeating timer left after {n} ticks; no tick runs after its join"
        ));
    }
    Ok(())
}

fn cores_demo() {
    header("Cores");
    let c = cores::cores();
    println!(
        "logical cores available to this process (available_parallelism): {}",
        c.logical
    );
    println!("physical cores (num_cpus::get_physical): {}", c.physical);
}
