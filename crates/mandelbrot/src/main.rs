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

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mandelbrot::params::{
    DEFAULT_HEIGHT, DEFAULT_MAX_ITER, DEFAULT_WIDTH, MAX_ITER_LIMIT, MAX_SIDE,
};
use mandelbrot::picture::{self, Format, PictureError};
use mandelbrot::processes;
use mandelbrot::run::{self, RenderReport};
use mandelbrot::strategies;
use mandelbrot::zoom::{self, ZoomConfig, ZoomError};
use mandelbrot::{Params, ParamsError, Rendering, Strategy, View, compare};

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
    #[command(flatten)]
    config: ZoomConfig,
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
            || cause.downcast_ref().is_some_and(PictureError::is_bad_input)
            || cause.downcast_ref().is_some_and(ZoomError::is_bad_input)
    })
}

fn run(cli: Cli) -> Result<()> {
    let exe = std::env::current_exe().context("finding this program's path")?;
    match cli.command {
        Some(Command::Render(args)) => render(args, &exe),
        Some(Command::Compare(args)) => {
            let (params, threads) = (args.size.params()?, args.size.threads());
            compare(&params, threads, args.output.as_deref(), args.repeat, &exe)
        }
        Some(Command::Zoom(args)) => {
            let config = if args.seeds {
                args.config.at_seeds_size()
            } else {
                args.config
            };
            make_zoom(&config, &args.output)
        }
        None => whole_lesson(&exe),
    }
}

impl SizeArgs {
    fn params(&self) -> Result<Params, ParamsError> {
        let (w, h) = (self.width as usize, self.height as usize);
        let view = View::chosen(self.bounds, self.center, self.zoom, w, h)?;
        Params::new(view, w, h, self.max_iter)
    }

    fn threads(&self) -> usize {
        self.threads
            .map_or_else(strategies::default_threads, |t| t as usize)
    }
}

fn render(args: RenderArgs, exe: &Path) -> Result<()> {
    let params = args.size.params()?;
    if let Some(path) = &args.output {
        Format::of(path)?; // refuse a bad file name before the work, not after
    }
    let threads = args.size.threads();
    let rendering = run::render(&params, args.strategy, threads, exe)?;
    let report = RenderReport::new(args.strategy, &params, threads, &rendering);
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{report}");
    }
    if let Some(path) = &args.output {
        save(path, &rendering, &params, !args.json)?;
    }
    Ok(())
}

fn save(path: &Path, rendering: &Rendering, params: &Params, say: bool) -> Result<()> {
    picture::save(path, &rendering.counts, params.max_iter())
        .with_context(|| format!("saving {}", path.display()))?;
    // With --json, standard output holds the JSON object alone.
    if say {
        println!("wrote {}", path.display());
    } else {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Every strategy on the same picture: a table of times, speed-ups and checks.
fn compare(
    params: &Params,
    threads: usize,
    output: Option<&Path>,
    repeat: u32,
    exe: &Path,
) -> Result<()> {
    if let Some(path) = output {
        Format::of(path)?;
    }
    let comparison = compare::compare(params, threads, repeat, exe);
    print!("{comparison}");
    comparison.verdict()?;
    if let Some(path) = output {
        save(path, &comparison.reference, params, true)?;
    }
    Ok(())
}

fn make_zoom(config: &ZoomConfig, path: &Path) -> Result<()> {
    config.validate()?;
    println!("{config}");
    let bar = ProgressBar::new(config.frames as u64);
    // A bar is for people: hide it when stderr is a file or a pipe (the tour, CI).
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} frames, {per_sec}, ETA {eta}")
            .context("the progress bar template")?,
    );
    let report = zoom::write_apng(path, config, |_| bar.inc(1))
        .with_context(|| format!("writing {}", path.display()))?;
    bar.finish_and_clear();
    println!("{report}");
    Ok(())
}

/// No subcommand: the table at the seeds' size, the picture, a short zoom.
fn whole_lesson(exe: &Path) -> Result<()> {
    let (w, h) = (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    let params = Params::new(View::seeds(w, h), w, h, DEFAULT_MAX_ITER)?;
    let threads = strategies::default_threads();
    compare(&params, threads, Some(Path::new("mandelbrot.png")), 3, exe)?;
    println!();
    make_zoom(&ZoomConfig::quick(), Path::new("mandelbrot_zoom.png"))
}
