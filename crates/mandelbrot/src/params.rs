//! What to render: a [`View`] of the complex plane and the [`Params`] of an image of it.
//!
//! Both are validated when built, so every renderer can trust them: a zero-sized image, an inverted
//! view or a NaN never reaches the loops. The conventions are the seeds' (seed 000), so a picture made
//! here can be compared pixel for pixel with the Python original:
//!
//! - the default view is `x ∈ [-2.5, 1.0]`, centred on `y = 0`, with the aspect ratio of the image;
//! - pixel `(i, j)` (row `i`, column `j`) is the point `(x_min + j·dx) + (y_min + i·dy)·i`, with
//!   `dx = (x_max − x_min) / width` and `dy = (y_max − y_min) / height` (row 0 is `y_min`).

use thiserror::Error;

/// The seeds' default image width.
pub const DEFAULT_WIDTH: usize = 400;
/// The seeds' default image height.
pub const DEFAULT_HEIGHT: usize = 400;
/// The seeds' default iteration cap (`visualize(..., max_iter=250)`).
pub const DEFAULT_MAX_ITER: u32 = 250;
/// The largest width or height accepted (larger is a typo, not a picture).
pub const MAX_SIDE: usize = 32_768;
/// The largest number of pixels accepted (2²⁷: half a gigabyte of counts).
pub const MAX_PIXELS: usize = 1 << 27;
/// The largest iteration cap: counts are saved as `uint16` in `.npy` files.
pub const MAX_ITER_LIMIT: u32 = u16::MAX as u32;

/// Why a view or the parameters of a render were refused.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ParamsError {
    /// A coordinate, a centre or a zoom was NaN or infinite.
    #[error("{what} must be a finite number, got {value}")]
    NotFinite {
        /// Which value.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// `min >= max` on one axis.
    #[error("inverted or empty bounds: {axis}_min ({min}) must be smaller than {axis}_max ({max})")]
    Inverted {
        /// `"x"` or `"y"`.
        axis: &'static str,
        /// The minimum given.
        min: f64,
        /// The maximum given.
        max: f64,
    },
    /// The zoom was zero or negative.
    #[error("zoom must be positive, got {0}")]
    BadZoom(f64),
    /// Width or height zero or too large.
    #[error(
        "image size {width}×{height} is out of range (each side 1..={MAX_SIDE}, at most {MAX_PIXELS} pixels)"
    )]
    BadSize {
        /// The width given.
        width: usize,
        /// The height given.
        height: usize,
    },
    /// `max_iter` zero or too large.
    #[error("max_iter must be in 1..={MAX_ITER_LIMIT}, got {0}")]
    BadMaxIter(u32),
}

/// A rectangle of the complex plane: `x` is the real axis, `y` the imaginary one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
}

fn finite(what: &'static str, value: f64) -> Result<f64, ParamsError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ParamsError::NotFinite { what, value })
    }
}

impl View {
    /// A view from explicit bounds; `x_min < x_max` and `y_min < y_max`, all finite.
    pub fn new(x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> Result<View, ParamsError> {
        finite("x_min", x_min)?;
        finite("x_max", x_max)?;
        finite("y_min", y_min)?;
        finite("y_max", y_max)?;
        // `!(a < b)` rather than `a >= b` reads the same here: NaN was refused above.
        if x_min >= x_max {
            return Err(ParamsError::Inverted {
                axis: "x",
                min: x_min,
                max: x_max,
            });
        }
        if y_min >= y_max {
            return Err(ParamsError::Inverted {
                axis: "y",
                min: y_min,
                max: y_max,
            });
        }
        Ok(View {
            x_min,
            x_max,
            y_min,
            y_max,
        })
    }

    /// The seeds' view for an image of `width × height`: `x ∈ [-2.5, 1.0]`, centred on `y = 0`,
    /// `y` spanning `3.5 · height / width` (the seeds' `visualize`).
    pub fn seeds(width: usize, height: usize) -> View {
        let (x_min, x_max) = (-2.5, 1.0);
        let y_span = (x_max - x_min) * (height as f64 / width.max(1) as f64) / 2.0;
        View {
            x_min,
            x_max,
            y_min: -y_span,
            y_max: y_span,
        }
    }

    /// A view centred on `(cx, cy)`, `zoom` times narrower than the seeds' 3.5 units, with the
    /// image's aspect ratio (`zoom = 1` at `(-0.75, 0)` is the seeds' view).
    pub fn centered(
        cx: f64,
        cy: f64,
        zoom: f64,
        width: usize,
        height: usize,
    ) -> Result<View, ParamsError> {
        finite("center x", cx)?;
        finite("center y", cy)?;
        finite("zoom", zoom)?;
        if zoom <= 0.0 {
            return Err(ParamsError::BadZoom(zoom));
        }
        let half_w = 3.5 / zoom / 2.0;
        let half_h = half_w * (height as f64 / width.max(1) as f64);
        View::new(cx - half_w, cx + half_w, cy - half_h, cy + half_h)
    }

    /// The view a command line asks for: explicit `bounds`; or a `center` (default the seeds'
    /// `(-0.75, 0)`) and a `zoom` (default 1) as in [`View::centered`]; or, with none of them,
    /// the seeds' view.
    pub fn chosen(
        bounds: Option<[f64; 4]>,
        center: Option<[f64; 2]>,
        zoom: Option<f64>,
        width: usize,
        height: usize,
    ) -> Result<View, ParamsError> {
        match (bounds, center, zoom) {
            (Some([x_min, x_max, y_min, y_max]), _, _) => View::new(x_min, x_max, y_min, y_max),
            (None, None, None) => Ok(View::seeds(width, height)),
            (None, center, zoom) => {
                let [cx, cy] = center.unwrap_or([-0.75, 0.0]);
                View::centered(cx, cy, zoom.unwrap_or(1.0), width, height)
            }
        }
    }

    /// Smallest real part.
    pub fn x_min(&self) -> f64 {
        self.x_min
    }
    /// Largest real part.
    pub fn x_max(&self) -> f64 {
        self.x_max
    }
    /// Smallest imaginary part (row 0).
    pub fn y_min(&self) -> f64 {
        self.y_min
    }
    /// Largest imaginary part.
    pub fn y_max(&self) -> f64 {
        self.y_max
    }
    /// The centre `(x, y)`.
    pub fn center(&self) -> (f64, f64) {
        (
            (self.x_min + self.x_max) / 2.0,
            (self.y_min + self.y_max) / 2.0,
        )
    }
}

/// Everything a renderer needs: the view, the image size and the iteration cap, all validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    view: View,
    width: usize,
    height: usize,
    max_iter: u32,
}

impl Params {
    /// Validates the size (each side `1..=MAX_SIDE`, at most `MAX_PIXELS`) and `max_iter`
    /// (`1..=MAX_ITER_LIMIT`).
    pub fn new(
        view: View,
        width: usize,
        height: usize,
        max_iter: u32,
    ) -> Result<Params, ParamsError> {
        let side_ok = |s: usize| (1..=MAX_SIDE).contains(&s);
        if !side_ok(width) || !side_ok(height) || width * height > MAX_PIXELS {
            return Err(ParamsError::BadSize { width, height });
        }
        if !(1..=MAX_ITER_LIMIT).contains(&max_iter) {
            return Err(ParamsError::BadMaxIter(max_iter));
        }
        Ok(Params {
            view,
            width,
            height,
            max_iter,
        })
    }

    /// The seeds' picture at `width × height`: [`View::seeds`].
    pub fn seeds(width: usize, height: usize, max_iter: u32) -> Result<Params, ParamsError> {
        Params::new(View::seeds(width, height), width, height, max_iter)
    }

    /// The view.
    pub fn view(&self) -> View {
        self.view
    }
    /// Image width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }
    /// Image height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }
    /// Iteration cap.
    pub fn max_iter(&self) -> u32 {
        self.max_iter
    }
    /// Number of pixels.
    pub fn pixels(&self) -> usize {
        self.width * self.height
    }
    /// Width of one pixel on the real axis: `(x_max − x_min) / width`.
    pub fn dx(&self) -> f64 {
        (self.view.x_max - self.view.x_min) / self.width as f64
    }
    /// Height of one pixel on the imaginary axis: `(y_max − y_min) / height`.
    pub fn dy(&self) -> f64 {
        (self.view.y_max - self.view.y_min) / self.height as f64
    }
    /// Real part of column `j`: `x_min + j·dx`, computed the same way by every strategy.
    #[inline]
    pub fn x_of(&self, j: usize) -> f64 {
        self.view.x_min + j as f64 * self.dx()
    }
    /// Imaginary part of row `i`: `y_min + i·dy`.
    #[inline]
    pub fn y_of(&self, i: usize) -> f64 {
        self.view.y_min + i as f64 * self.dy()
    }
}

impl Default for Params {
    /// The seeds' picture: 400×400, `max_iter` 250.
    fn default() -> Params {
        Params::seeds(DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_MAX_ITER)
            .expect("the defaults are valid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_view_has_the_image_aspect() {
        let v = View::seeds(1280, 720);
        assert_eq!((v.x_min(), v.x_max()), (-2.5, 1.0));
        assert!((v.y_max() - 3.5 * 720.0 / 1280.0 / 2.0).abs() < 1e-15);
        assert_eq!(v.y_min(), -v.y_max());
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(View::new(1.0, 0.0, 0.0, 1.0).is_err());
        assert!(View::new(0.0, 1.0, 0.0, 0.0).is_err());
        assert!(View::new(f64::NAN, 1.0, 0.0, 1.0).is_err());
        assert!(View::centered(0.0, 0.0, 0.0, 10, 10).is_err());
        assert!(View::centered(0.0, f64::INFINITY, 1.0, 10, 10).is_err());
        let v = View::seeds(10, 10);
        assert!(Params::new(v, 0, 10, 10).is_err());
        assert!(Params::new(v, 10, 0, 10).is_err());
        assert!(Params::new(v, MAX_SIDE + 1, 1, 10).is_err());
        assert!(Params::new(v, MAX_SIDE, MAX_SIDE, 10).is_err());
        assert!(Params::new(v, 10, 10, 0).is_err());
        assert!(Params::new(v, 10, 10, MAX_ITER_LIMIT + 1).is_err());
        assert!(Params::new(v, 1, 1, 1).is_ok());
    }
}
