//! `mandelbrot`: the lesson's command line.
//!
//! - no subcommand: the seeds' view once per strategy (a table), `mandelbrot.png`, and a short zoom
//!   `mandelbrot_zoom.png`;
//! - `render`: one picture with one strategy, timed (PNG or `.npy` by extension, `--json`);
//! - `compare`: the table alone, at any size;
//! - `zoom`: the seeds' zoom as an animated PNG.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mandelbrot::params::{
    DEFAULT_HEIGHT, DEFAULT_MAX_ITER, DEFAULT_WIDTH, MAX_ITER_LIMIT, MAX_SIDE,
};
use mandelbrot::picture::{self, Format, PictureError};
use mandelbrot::processes;
use mandelbrot::strategies::{self, Scheduling};
use mandelbrot::zoom::{self, ZoomConfig, ZoomError};
use mandelbrot::{Params, ParamsError, Rendering, Strategy, View};

#[derive(Parser)]
#[command(
    name = "mandelbrot",
    version,
    about = "The Mandelbrot set, from one loop to every core (no subcommand: the whole lesson, briefly)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Render one picture with one strategy and print the time it took (without file I/O).
    Render(RenderArgs),
    /// Render the same picture with every strategy and compare times and results.
    Compare(CompareArgs),
    /// The seeds' zoom toward the seahorse valley, as an animated PNG.
    Zoom(ZoomArgs),
}

/// Image size and iteration cap, shared by `render` and `compare`.
#[derive(Args, Clone)]
struct SizeArgs {
    /// Image width in pixels.
    #[arg(long, default_value_t = DEFAULT_WIDTH as u32, value_parser = clap::value_parser!(u32).range(1..=MAX_SIDE as i64))]
    width: u32,
    /// Image height in pixels.
    #[arg(long, default_value_t = DEFAULT_HEIGHT as u32, value_parser = clap::value_parser!(u32).range(1..=MAX_SIDE as i64))]
    height: u32,
    /// Iteration cap.
    #[arg(long, default_value_t = DEFAULT_MAX_ITER, value_parser = clap::value_parser!(u32).range(1..=MAX_ITER_LIMIT as i64))]
    max_iter: u32,
    /// Threads (and worker processes) for the parallel strategies [default: the cores available].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Centre of the view, `X,Y` (with --zoom; default the seeds' view).
    #[arg(long, value_parser = parse_floats::<2>, allow_hyphen_values = true, conflicts_with = "bounds")]
    center: Option<[f64; 2]>,
    /// Magnification of the seeds' 3.5-unit-wide view, around --center (default -0.75,0).
    #[arg(long, conflicts_with = "bounds")]
    zoom: Option<f64>,
    /// Explicit bounds `X_MIN,X_MAX,Y_MIN,Y_MAX`.
    #[arg(long, value_parser = parse_floats::<4>, allow_hyphen_values = true)]
    bounds: Option<[f64; 4]>,
}

#[derive(Args)]
struct RenderArgs {
    #[command(flatten)]
    size: SizeArgs,
    /// sequential, threads, threads-interleaved, rayon, simd, simd-rayon, smart or processes.
    #[arg(long, default_value = "simd-rayon")]
    strategy: Strategy,
    /// Output file: `.png` (Turbo colours) or `.npy` (uint16 counts, height × width).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct CompareArgs {
    #[command(flatten)]
    size: SizeArgs,
    /// Also write the picture here (`.png` or `.npy`).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Render each strategy this many times and keep the fastest (less noise).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
}

#[derive(Args)]
struct ZoomArgs {
    /// Number of frames.
    #[arg(long, default_value_t = ZoomConfig::quick().frames)]
    frames: usize,
    /// Animation width.
    #[arg(long, default_value_t = ZoomConfig::quick().width)]
    width: usize,
    /// Animation height.
    #[arg(long, default_value_t = ZoomConfig::quick().height)]
    height: usize,
    /// Render each frame this many times wider and higher, then average down.
    #[arg(long, default_value_t = ZoomConfig::quick().supersample)]
    supersample: usize,
    /// Iteration cap.
    #[arg(long, default_value_t = ZoomConfig::quick().max_iter)]
    max_iter: u32,
    /// Zoom per frame.
    #[arg(long, default_value_t = ZoomConfig::quick().factor)]
    factor: f64,
    /// Frames per second of playback.
    #[arg(long, default_value_t = ZoomConfig::quick().fps)]
    fps: u16,
    /// The seeds' full video: 800 frames of 640×480, 400 iterations (overrides the sizes above).
    #[arg(long)]
    seeds: bool,
    /// Output file (an animated PNG).
    #[arg(short, long, default_value = "mandelbrot_zoom.png")]
    output: PathBuf,
}

/// `"a,b,…"` → `[f64; N]`.
fn parse_floats<const N: usize>(s: &str) -> Result<[f64; N], String> {
    let parts: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>().map_err(|e| format!("{p:?}: {e}")))
        .collect::<Result<_, _>>()?;
    parts
        .try_into()
        .map_err(|p: Vec<f64>| format!("expected {N} comma-separated numbers, got {}", p.len()))
}

fn main() -> ExitCode {
    // A worker of the `processes` strategy is this same binary, started by the pool: it serves
    // bands and nothing else. This check must come before anything else in `main`.
    if ipc::pool::is_worker() {
        return match processes::serve() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mandelbrot worker: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if is_bad_input(&e) {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Bad input (exit 2) rather than a failure of the machine (exit 1).
fn is_bad_input(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.is::<ParamsError>()
            || matches!(
                cause.downcast_ref::<PictureError>(),
                Some(PictureError::UnknownFormat(_))
            )
            || matches!(
                cause.downcast_ref::<ZoomError>(),
                Some(ZoomError::Config(_) | ZoomError::Params(_))
            )
    })
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Render(args)) => render(args),
        Some(Command::Compare(args)) => compare(&args.size, args.output.as_deref(), args.repeat),
        Some(Command::Zoom(args)) => zoom_command(args),
        None => whole_lesson(),
    }
}

impl SizeArgs {
    fn defaults() -> SizeArgs {
        SizeArgs {
            width: DEFAULT_WIDTH as u32,
            height: DEFAULT_HEIGHT as u32,
            max_iter: DEFAULT_MAX_ITER,
            threads: None,
            center: None,
            zoom: None,
            bounds: None,
        }
    }

    fn params(&self) -> Result<Params, ParamsError> {
        let (w, h) = (self.width as usize, self.height as usize);
        let view = match (self.bounds, self.center, self.zoom) {
            (Some([x0, x1, y0, y1]), _, _) => View::new(x0, x1, y0, y1)?,
            (None, None, None) => View::seeds(w, h),
            (None, center, zoom) => {
                let [cx, cy] = center.unwrap_or([-0.75, 0.0]);
                View::centered(cx, cy, zoom.unwrap_or(1.0), w, h)?
            }
        };
        Params::new(view, w, h, self.max_iter)
    }

    fn threads(&self) -> usize {
        self.threads
            .map_or_else(strategies::default_threads, |t| t as usize)
    }
}

/// Renders with any strategy; for `processes`, starts a pool of `threads` workers first (not
/// timed: a real program starts its pool once).
fn render_with(params: &Params, strategy: Strategy, threads: usize) -> Result<Rendering> {
    if strategy != Strategy::Processes {
        return Ok(strategies::render(params, strategy, threads));
    }
    let exe = std::env::current_exe().context("finding this program to start workers")?;
    let mut pool =
        processes::BandPool::new(threads, exe).context("starting the worker processes")?;
    processes::render(params, &mut pool).context("rendering in worker processes")
}

fn render(args: RenderArgs) -> Result<()> {
    let params = args.size.params()?;
    if let Some(path) = &args.output {
        Format::of(path)?; // refuse a bad file name before the work, not after
    }
    let threads = args.size.threads();
    let rendering = render_with(&params, args.strategy, threads)?;
    let total = rendering.counts.total_iterations();
    let computed = rendering.computed_iterations();
    let seconds = rendering.elapsed.as_secs_f64();
    // Only computed iterations count toward the throughput: skipping is not computing fast.
    let per_second = computed as f64 / seconds.max(1e-9);
    if args.json {
        let report = serde_json::json!({
            "strategy": args.strategy.name(),
            "width": params.width(),
            "height": params.height(),
            "max_iter": params.max_iter(),
            "threads": threads,
            "seconds": seconds,
            "total_iterations": total,
            "computed_iterations": computed,
            "skipped_iterations": rendering.skipped_iterations,
            "iterations_per_second": per_second,
        });
        println!("{report}");
    } else {
        let skipped = match rendering.skipped_iterations {
            0 => String::new(),
            s => format!(": {computed} computed, {s} skipped"),
        };
        println!(
            "{} {}×{}, max_iter {}: {} ({total} iterations{skipped}; {:.0} M computed iterations/s)",
            args.strategy,
            params.width(),
            params.height(),
            params.max_iter(),
            fmt_duration(rendering.elapsed),
            per_second / 1e6,
        );
        print_spread(&rendering.per_worker);
    }
    if let Some(path) = &args.output {
        save(path, &rendering, &params, !args.json)?;
    }
    Ok(())
}

fn save(path: &Path, rendering: &Rendering, params: &Params, say: bool) -> Result<()> {
    picture::save(path, &rendering.counts, params.max_iter())
        .with_context(|| format!("saving {}", path.display()))?;
    if say {
        println!("wrote {}", path.display());
    } else {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn print_spread(per_worker: &[Duration]) {
    if per_worker.len() > 1 {
        let times: Vec<String> = per_worker.iter().map(|d| fmt_duration(*d)).collect();
        println!("  busy time per worker: {}", times.join(", "));
    }
}

fn fmt_duration(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Every strategy on the same picture: a table of times, speed-ups and checks.
fn compare(size: &SizeArgs, output: Option<&Path>, repeat: u32) -> Result<()> {
    let params = size.params()?;
    if let Some(path) = output {
        Format::of(path)?;
    }
    let threads = size.threads();
    println!(
        "{}×{} pixels, max_iter {}, view x [{}, {}] y [{:.4}, {:.4}], {} threads, SIMD kernel {}, fastest of {repeat} runs",
        params.width(),
        params.height(),
        params.max_iter(),
        params.view().x_min(),
        params.view().x_max(),
        params.view().y_min(),
        params.view().y_max(),
        threads,
        mandelbrot::simd::Kernel::best().name()
    );
    println!(
        "{:<20} {:>11} {:>9} {:>12} {:>10}  busy time per worker",
        "strategy", "time", "speed-up", "M iter/s", "identical"
    );
    let mut reference: Option<Rendering> = None;
    for strategy in Strategy::ALL {
        let rendering = match fastest_of(repeat, &params, strategy, threads) {
            Ok(r) => r,
            Err(e) => {
                println!("{:<20} skipped: {e:#}", strategy.name());
                continue;
            }
        };
        let base = reference.as_ref().map_or(rendering.elapsed, |r| r.elapsed);
        let same = reference
            .as_ref()
            .is_none_or(|r| r.counts == rendering.counts);
        let computed = rendering.computed_iterations();
        let spread: Vec<String> = rendering
            .per_worker
            .iter()
            .map(|d| format!("{:.1}", d.as_secs_f64() * 1e3))
            .collect();
        println!(
            "{:<20} {:>11} {:>8.1}× {:>12.0} {:>10}  {}",
            strategy.name(),
            fmt_duration(rendering.elapsed),
            base.as_secs_f64() / rendering.elapsed.as_secs_f64().max(1e-9),
            computed as f64 / rendering.elapsed.as_secs_f64().max(1e-9) / 1e6,
            if same { "yes" } else { "NO" },
            if spread.is_empty() {
                String::new()
            } else {
                format!("{} ms", spread.join(" / "))
            },
        );
        if !same {
            bail!("{strategy} gave different counts from sequential: a bug");
        }
        reference.get_or_insert(rendering);
    }
    let reference = reference.expect("the sequential strategy always runs");
    println!("(M iter/s counts the iterations computed: those `smart` skips are not in it)");
    print_balance(&reference);
    if let Some(path) = output {
        save(path, &reference, &params, true)?;
    }
    Ok(())
}

/// The fastest of `repeat` renders: the others were slowed by something else on the machine.
fn fastest_of(
    repeat: u32,
    params: &Params,
    strategy: Strategy,
    threads: usize,
) -> Result<Rendering> {
    let mut best = render_with(params, strategy, threads)?;
    for _ in 1..repeat {
        let next = render_with(params, strategy, threads)?;
        if next.elapsed < best.elapsed {
            best = next;
        }
    }
    Ok(best)
}

/// The work each worker gets under bands and under interleaving: why bands balance badly.
fn print_balance(reference: &Rendering) {
    println!(
        "work balance (busiest worker's iterations ÷ the average; best speed-up = workers ÷ this):"
    );
    for workers in [2, 4, 8, 16] {
        let bands = strategies::imbalance(&strategies::work_per_worker(
            &reference.counts,
            workers,
            Scheduling::Bands,
        ));
        let rows = strategies::imbalance(&strategies::work_per_worker(
            &reference.counts,
            workers,
            Scheduling::Interleaved,
        ));
        println!(
            "  {workers:>2} workers: bands {bands:.2} (≤ {:.1}×), interleaved rows {rows:.2} (≤ {:.1}×)",
            workers as f64 / bands,
            workers as f64 / rows
        );
    }
}

fn zoom_command(args: ZoomArgs) -> Result<()> {
    let config = if args.seeds {
        ZoomConfig {
            factor: args.factor,
            fps: args.fps,
            supersample: args.supersample,
            ..ZoomConfig::seeds()
        }
    } else {
        ZoomConfig {
            frames: args.frames,
            width: args.width,
            height: args.height,
            supersample: args.supersample,
            max_iter: args.max_iter,
            factor: args.factor,
            fps: args.fps,
        }
    };
    make_zoom(&config, &args.output)
}

fn make_zoom(config: &ZoomConfig, path: &Path) -> Result<()> {
    config.validate()?;
    println!(
        "zoom: {} frames of {}×{} (rendered at {}×{}), max_iter {}, ×{} per frame toward {:?}",
        config.frames,
        config.width,
        config.height,
        config.width * config.supersample,
        config.height * config.supersample,
        config.max_iter,
        config.factor,
        zoom::TARGET
    );
    let bar = ProgressBar::new(config.frames as u64);
    // A bar is for people: hide it when stderr is a file or a pipe (the tour, CI).
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} frames, {per_sec}, ETA {eta}")
            .context("the progress bar template")?,
    );
    let start = Instant::now();
    zoom::write_apng(path, config, |_| bar.inc(1))
        .with_context(|| format!("writing {}", path.display()))?;
    bar.finish_and_clear();
    println!(
        "wrote {} ({} frames in {:.1} s)",
        path.display(),
        config.frames,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// No subcommand: the table at the seeds' size, the picture, a short zoom.
fn whole_lesson() -> Result<()> {
    compare(&SizeArgs::defaults(), Some(Path::new("mandelbrot.png")), 3)?;
    println!();
    make_zoom(&ZoomConfig::quick(), Path::new("mandelbrot_zoom.png"))
}
