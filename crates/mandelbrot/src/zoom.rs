//! The seeds' zoom video: a lazy sequence of views, rendered supersampled, streamed into an
//! animated PNG.
//!
//! The seeds build the video with a Python generator so that only one frame is in memory at a time.
//! Rust's iterators are lazy in the same way: [`ZoomPath`] computes the next view only when asked,
//! [`frames`] renders a frame only when asked, and [`write_apng`] writes each frame to the file and
//! drops it before asking for the next one. Memory stays flat however many frames there are.
//!
//! Each frame is rendered at `supersample²` times the pixels and averaged down ([`downsample`]):
//! the seeds do the same with a LANCZOS resize. It smooths the noisy edge of the set, where
//! neighbouring points have wildly different counts.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;
use threads_basics::timing::timed;

use crate::params::{Params, ParamsError, View};
use crate::picture::{self, PictureError, Rgb};
use crate::strategies;

/// The seeds' target: a point in the "seahorse valley".
pub const TARGET: (f64, f64) = (-0.743653884279361, 0.131822903750375);
/// The seeds' first view: `(x_min, x_max, y_min, y_max)`.
pub const START: (f64, f64, f64, f64) = (-2.0, 0.8, -1.25, 1.25);
/// The seeds' `zoom_center_weight`: each frame moves the centre 10% of the way to the target.
pub const CENTER_WEIGHT: f64 = 0.1;
/// The seeds' zoom per frame.
pub const ZOOM_PER_FRAME: f64 = 1.04;

/// Why a zoom could not be made.
#[derive(Debug, Error)]
pub enum ZoomError {
    /// Bad sizes, iterations or views.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// Zero frames, a zero supersampling factor, a zoom factor not above 1, or a bad frame rate.
    #[error("{0}")]
    Config(String),
    /// Writing the file failed.
    #[error(transparent)]
    Picture(#[from] PictureError),
}

impl ZoomError {
    /// Whether the settings were refused, rather than rendering or writing failed.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, ZoomError::Config(_) | ZoomError::Params(_))
    }
}

/// The views of a zoom, computed lazily: each is `factor` times narrower than the one before,
/// its centre moved [`CENTER_WEIGHT`] of the way toward the target (the seeds' generator).
#[derive(Debug, Clone)]
pub struct ZoomPath {
    next: Option<View>,
    target: (f64, f64),
    factor: f64,
}

impl ZoomPath {
    /// A path from `start` toward `target`, zooming by `factor` per frame (endless: `take` some).
    pub fn new(start: View, target: (f64, f64), factor: f64) -> ZoomPath {
        ZoomPath {
            next: Some(start),
            target,
            factor,
        }
    }

    /// The seeds' path: from [`START`] toward [`TARGET`] by [`ZOOM_PER_FRAME`].
    pub fn seeds() -> ZoomPath {
        let (x0, x1, y0, y1) = START;
        ZoomPath::new(
            View::new(x0, x1, y0, y1).expect("the seeds' view is valid"),
            TARGET,
            ZOOM_PER_FRAME,
        )
    }
}

impl Iterator for ZoomPath {
    type Item = View;

    fn next(&mut self) -> Option<View> {
        let view = self.next?;
        let (cx, cy) = view.center();
        let new_w = (view.x_max() - view.x_min()) / self.factor;
        let new_h = (view.y_max() - view.y_min()) / self.factor;
        let ncx = cx * (1.0 - CENTER_WEIGHT) + self.target.0 * CENTER_WEIGHT;
        let ncy = cy * (1.0 - CENTER_WEIGHT) + self.target.1 * CENTER_WEIGHT;
        // After thousands of frames the view shrinks below what f64 can tell apart: stop there.
        self.next = View::new(
            ncx - new_w / 2.0,
            ncx + new_w / 2.0,
            ncy - new_h / 2.0,
            ncy + new_h / 2.0,
        )
        .ok();
        Some(view)
    }
}

/// Averages each `factor × factor` block of an image of `width × height` RGB pixels into one
/// pixel (rounded to nearest): the image shrinks to `(width / factor) × (height / factor)`;
/// leftover columns and rows at the right and bottom edges are dropped.
pub fn downsample(pixels: &[Rgb], width: usize, height: usize, factor: usize) -> Vec<Rgb> {
    let factor = factor.max(1);
    let (w, h) = (width / factor, height / factor);
    let n = (factor * factor) as u32;
    let mut out = Vec::with_capacity(w * h);
    for i in 0..h {
        for j in 0..w {
            let mut sum = [0u32; 3];
            for di in 0..factor {
                let row = (i * factor + di) * width;
                for p in &pixels[row + j * factor..row + (j + 1) * factor] {
                    for (s, &c) in sum.iter_mut().zip(p) {
                        *s += u32::from(c);
                    }
                }
            }
            out.push(sum.map(|s| ((s + n / 2) / n) as u8));
        }
    }
    out
}

/// The settings of a zoom animation; also the `zoom` subcommand's flags, whose defaults are
/// [`ZoomConfig::quick`].
#[derive(Debug, Clone, Copy, PartialEq, clap::Args)]
pub struct ZoomConfig {
    /// Number of frames.
    #[arg(long, default_value_t = ZoomConfig::quick().frames)]
    pub frames: usize,
    /// Width of the animation (before supersampling).
    #[arg(long, default_value_t = ZoomConfig::quick().width)]
    pub width: usize,
    /// Height of the animation.
    #[arg(long, default_value_t = ZoomConfig::quick().height)]
    pub height: usize,
    /// Each frame is rendered `supersample` times wider and higher, then averaged down.
    #[arg(long, default_value_t = ZoomConfig::quick().supersample)]
    pub supersample: usize,
    /// Iteration cap.
    #[arg(long, default_value_t = ZoomConfig::quick().max_iter)]
    pub max_iter: u32,
    /// Zoom per frame.
    #[arg(long, default_value_t = ZoomConfig::quick().factor)]
    pub factor: f64,
    /// Frames per second of playback.
    #[arg(long, default_value_t = ZoomConfig::quick().fps)]
    pub fps: u16,
}

impl ZoomConfig {
    /// Short enough for the tour: 60 frames of 320×240, supersampled 3×, 250 iterations.
    pub fn quick() -> ZoomConfig {
        ZoomConfig {
            frames: 60,
            width: 320,
            height: 240,
            supersample: 3,
            max_iter: 250,
            factor: ZOOM_PER_FRAME,
            fps: 30,
        }
    }

    /// The seeds' video: 800 frames of 640×480, supersampled 3×, 400 iterations, 30 fps.
    pub fn seeds() -> ZoomConfig {
        ZoomConfig::quick().at_seeds_size()
    }

    /// The seeds' frame count, size and iteration cap, with this zoom factor, frame rate and
    /// supersampling (`zoom --seeds`).
    pub fn at_seeds_size(self) -> ZoomConfig {
        ZoomConfig {
            frames: 800,
            width: 640,
            height: 480,
            max_iter: 400,
            ..self
        }
    }

    /// Checks the settings; returns the parameters of one supersampled frame at the start view.
    pub fn validate(&self) -> Result<Params, ZoomError> {
        if self.frames == 0 || self.frames > 100_000 {
            return Err(ZoomError::Config(format!(
                "frames must be in 1..=100000, got {}",
                self.frames
            )));
        }
        if !(1..=8).contains(&self.supersample) {
            return Err(ZoomError::Config(format!(
                "supersample must be in 1..=8, got {}",
                self.supersample
            )));
        }
        if !(self.factor.is_finite() && self.factor > 1.0) {
            return Err(ZoomError::Config(format!(
                "the zoom factor must be a number above 1, got {}",
                self.factor
            )));
        }
        if self.fps == 0 {
            return Err(ZoomError::Config("fps must be at least 1".into()));
        }
        let (w, h) = (
            self.width.saturating_mul(self.supersample),
            self.height.saturating_mul(self.supersample),
        );
        Params::new(View::seeds(w.max(1), h.max(1)), w, h, self.max_iter)
            .and_then(|p| Params::new(p.view(), self.width, self.height, self.max_iter).map(|_| p))
            .map_err(ZoomError::from)
    }
}

/// Renders one frame of `view`: supersampled with SIMD on every core, coloured, averaged down.
pub fn render_frame(view: View, config: &ZoomConfig) -> Result<Vec<Rgb>, ZoomError> {
    let s = config.supersample;
    let params = Params::new(view, config.width * s, config.height * s, config.max_iter)?;
    let mut counts = strategies::Counts::zeros(&params);
    strategies::simd_rayon(&params, &mut counts.data);
    let big = picture::colorize(&counts, config.max_iter);
    Ok(downsample(&big, params.width(), params.height(), s))
}

/// The frames of the seeds' zoom, rendered lazily: nothing is computed until the iterator is
/// advanced, and each frame can be dropped before the next is made.
pub fn frames(config: ZoomConfig) -> impl Iterator<Item = Result<Vec<Rgb>, ZoomError>> {
    ZoomPath::new(
        View::new(START.0, START.1, START.2, START.3).expect("the seeds' view is valid"),
        TARGET,
        config.factor,
    )
    .take(config.frames)
    .map(move |view| render_frame(view, &config))
}

impl fmt::Display for ZoomConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "zoom: {} frames of {}×{} (rendered at {}×{}), max_iter {}, ×{} per frame toward {:?}",
            self.frames,
            self.width,
            self.height,
            self.width * self.supersample,
            self.height * self.supersample,
            self.max_iter,
            self.factor,
            TARGET
        )
    }
}

/// A zoom written to a file, and how long rendering and writing it took.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoomReport {
    /// The animated PNG.
    pub path: PathBuf,
    /// The number of frames in it.
    pub frames: usize,
    /// The time to render and write them.
    pub elapsed: Duration,
}

impl fmt::Display for ZoomReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wrote {} ({} frames in {:.1} s)",
            self.path.display(),
            self.frames,
            self.elapsed.as_secs_f64()
        )
    }
}

/// Renders the zoom described by `config` and streams it into an animated PNG at `path`
/// (written atomically); calls `on_frame(k)` after frame `k` is written (for a progress bar).
pub fn write_apng(
    path: &Path,
    config: &ZoomConfig,
    on_frame: impl FnMut(usize),
) -> Result<ZoomReport, ZoomError> {
    config.validate()?;
    let written = timed(|| stream_frames(path, config, on_frame)).transpose()?;
    Ok(ZoomReport {
        path: path.to_owned(),
        frames: config.frames,
        elapsed: written.elapsed,
    })
}

/// [`write_apng`]'s work, once `config` is valid.
fn stream_frames(
    path: &Path,
    config: &ZoomConfig,
    mut on_frame: impl FnMut(usize),
) -> Result<(), ZoomError> {
    let frames = frames(*config);
    let frame_count = config.frames as u32;
    let png_err = |source| {
        ZoomError::from(PictureError::Png {
            path: path.to_owned(),
            source,
        })
    };
    picture::write_atomically(path, |out| {
        let mut encoder = png::Encoder::new(out, config.width as u32, config.height as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        // Both before `write_header` (CRATES.md): the frame count goes into the header, and
        // validation makes a short or overlong sequence an error instead of a broken file.
        encoder.set_animated(frame_count, 0).map_err(png_err)?;
        encoder.set_frame_delay(1, config.fps).map_err(png_err)?;
        encoder.validate_sequence(true);
        let mut writer = encoder.write_header().map_err(png_err)?;
        // One frame at a time: rendered, written, dropped. The view may collapse after thousands
        // of frames; the sequence is then short and `finish` reports it.
        for (k, frame) in frames.enumerate() {
            writer
                .write_image_data(&picture::rgb_bytes(&frame?))
                .map_err(png_err)?;
            on_frame(k);
        }
        writer.finish().map_err(png_err)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_shrinks_toward_the_target() {
        let views: Vec<View> = ZoomPath::seeds().take(50).collect();
        let width = |v: &View| v.x_max() - v.x_min();
        assert!((width(&views[1]) - 2.8 / 1.04).abs() < 1e-12);
        let dist = |v: &View| {
            let (x, y) = v.center();
            ((x - TARGET.0).powi(2) + (y - TARGET.1).powi(2)).sqrt()
        };
        assert!(dist(&views[49]) < dist(&views[0]) * 0.01);
    }

    #[test]
    fn downsample_averages_blocks() {
        let px = vec![
            [0, 0, 0],
            [10, 20, 30],
            [255, 255, 255],
            [1, 1, 1],
            [2, 2, 2],
            [3, 3, 3],
        ];
        // 3×2 image, factor 2: one pixel from the left 2×2 block; the third column is dropped.
        let out = downsample(&px, 3, 2, 2);
        // Sums 13, 23, 33 over 4 pixels, rounded to nearest.
        assert_eq!(out, vec![[3, 6, 8]]);
    }
}
