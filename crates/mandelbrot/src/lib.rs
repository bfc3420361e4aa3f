//! # Mandelbrot: from one loop to every core, with pictures
//!
//! The seeds' Mandelbrot exercise (seed 000), ported and then made as fast as the hardware allows.
//! Read the modules in this order:
//!
//! 1. [`params`]: what to render (the view, the image size, the iteration cap), validated;
//! 2. [`escape`]: the escape count of one point, and of one row: the loop all the work is in;
//! 3. [`strategies`]: the same picture rendered sequentially, by bands of threads, by interleaved
//!    rows, by rayon, with SIMD, and with SIMD on every core;
//! 4. [`simd`]: many pixels per instruction, and why one vector at a time is not enough;
//! 5. [`smart`]: the same counts with far fewer iterations: exact skips (the main cardioid and
//!    bulb, mirror rows), the rest on the SIMD kernel;
//! 6. [`processes`]: bands of rows rendered by worker processes (the seeds' multiprocessing);
//! 7. [`picture`]: counts to Turbo colours, PNG and `.npy` files, written atomically;
//! 8. [`zoom`]: the seeds' zoom video as a lazy iterator of frames streamed into an animated PNG;
//! 9. [`run`] and [`compare`]: one strategy timed, and every strategy side by side with a check
//!    of their counts and the work balance of bands vs interleaved rows (the command line's
//!    `render` and `compare`).
//!
//! The exercises are in [`exercises`].

pub mod compare;
pub mod escape;
pub mod params;
pub mod picture;
pub mod processes;
pub mod run;
pub mod simd;
pub mod smart;
pub mod strategies;
pub mod zoom;

pub use params::{Params, ParamsError, View};
pub use strategies::{Counts, Rendering, Strategy};

// The student's answers live in src/exercises.rs; the `solutions` feature swaps in the reference.
#[cfg(feature = "exercises")]
#[cfg_attr(feature = "solutions", path = "../solutions/exercises.rs")]
pub mod exercises;
