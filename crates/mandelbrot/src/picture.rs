//! From counts to files: Turbo colours, PNG images and `.npy` arrays, written atomically.
//!
//! - Colours: the seeds show the counts with matplotlib's `turbo` colour map; [`colorous::TURBO`] is
//!   the same map. A count `c` gets the colour at `c / max_iter`, so the set itself is dark red.
//! - `.npy`: numpy's own format (a short text header, then the raw array), so
//!   `np.load("counts.npy")` gives the `uint16` array of shape `(height, width)` the seeds' numba
//!   version returns.
//! - Nothing is lost: a file is written under a temporary name in the same directory and renamed
//!   into place, so a crash or a full disk never leaves a half-written picture under the real name.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::strategies::Counts;

/// Why a picture could not be written.
#[derive(Debug, Error)]
pub enum PictureError {
    /// The file name's extension is neither `.png` nor `.npy`.
    #[error("cannot tell the format of {0:?}: use a .png or .npy file name")]
    UnknownFormat(PathBuf),
    /// A count does not fit the `.npy` file's `uint16`.
    #[error("a count of {0} does not fit in uint16")]
    TooLarge(u32),
    /// The file system refused.
    #[error("writing {path:?}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The PNG encoder refused.
    #[error("encoding {path:?}: {source}")]
    Png {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: png::EncodingError,
    },
}

impl PictureError {
    /// Whether the input was refused (a file name the lesson cannot write), rather than writing
    /// failed.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, PictureError::UnknownFormat(_))
    }
}

/// An 8-bit RGB colour.
pub type Rgb = [u8; 3];

/// The Turbo colour of every count `0..=max_iter`: look-ups instead of evaluating the map per pixel.
pub fn turbo_palette(max_iter: u32) -> Vec<Rgb> {
    let n = max_iter.max(1) as usize;
    (0..=n)
        .map(|c| {
            let colour = colorous::TURBO.eval_rational(c, n);
            [colour.r, colour.g, colour.b]
        })
        .collect()
}

/// The colour of every pixel of `counts` (capped at `max_iter`), in display order: the top row of
/// the picture is the last row of `counts` (`y_max`), as the seeds' `imshow(origin="lower")` shows
/// it, so the imaginary axis points up.
pub fn colorize(counts: &Counts, max_iter: u32) -> Vec<Rgb> {
    let palette = turbo_palette(max_iter);
    counts
        .data
        .chunks(counts.width)
        .rev()
        .flat_map(|row| row.iter().map(|&c| palette[c.min(max_iter) as usize]))
        .collect()
}

/// Flattens RGB pixels into the bytes the PNG encoder takes.
pub fn rgb_bytes(pixels: &[Rgb]) -> Vec<u8> {
    pixels.iter().flatten().copied().collect()
}

/// Writes `path` atomically: `write` fills a temporary file beside it, which is then renamed onto
/// `path`. On error the temporary file is removed and `path` is untouched.
pub fn write_atomically<E>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<PictureError>,
{
    let tmp = temporary_name(path);
    let io_err = |source| {
        E::from(PictureError::Io {
            path: path.to_owned(),
            source,
        })
    };
    let result = (|| {
        let mut out = BufWriter::new(File::create(&tmp).map_err(io_err)?);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| io_err(e.into_error()))?;
        file.sync_all().map_err(io_err)?;
        fs::rename(&tmp, path).map_err(io_err)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `dir/.name.tmp-<pid>`: hidden, in the same directory (so the rename stays on one file system),
/// unique per process.
fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `counts` as a Turbo-coloured PNG.
pub fn write_png(path: &Path, counts: &Counts, max_iter: u32) -> Result<(), PictureError> {
    let bytes = rgb_bytes(&colorize(counts, max_iter));
    write_atomically(path, |out| {
        let mut encoder = png::Encoder::new(out, counts.width as u32, counts.height as u32);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let png_err = |source| PictureError::Png {
            path: path.to_owned(),
            source,
        };
        let mut writer = encoder.write_header().map_err(png_err)?;
        writer.write_image_data(&bytes).map_err(png_err)?;
        writer.finish().map_err(png_err)
    })
}

/// The `.npy` header of a little-endian `uint16` array of shape `(height, width)`: magic, version
/// 1.0, header length, and a Python dict literal padded with spaces to a multiple of 64 bytes.
pub fn npy_header(width: usize, height: usize) -> Vec<u8> {
    let dict =
        format!("{{'descr': '<u2', 'fortran_order': False, 'shape': ({height}, {width}), }}");
    // magic (6) + version (2) + length (2) + dict + padding + '\n' must be a multiple of 64.
    let unpadded = 10 + dict.len() + 1;
    let padding = unpadded.next_multiple_of(64) - unpadded;
    let text = format!("{dict}{}\n", " ".repeat(padding));
    let mut header = b"\x93NUMPY\x01\x00".to_vec();
    header.extend_from_slice(&(text.len() as u16).to_le_bytes());
    header.extend_from_slice(text.as_bytes());
    header
}

/// Writes `counts` as a `.npy` file of `uint16`, shape `(height, width)`.
pub fn write_npy(path: &Path, counts: &Counts) -> Result<(), PictureError> {
    if let Some(&big) = counts.data.iter().find(|&&c| c > u32::from(u16::MAX)) {
        return Err(PictureError::TooLarge(big));
    }
    let io_err = |source| PictureError::Io {
        path: path.to_owned(),
        source,
    };
    write_atomically(path, |out| {
        out.write_all(&npy_header(counts.width, counts.height))
            .map_err(io_err)?;
        for &c in &counts.data {
            out.write_all(&(c as u16).to_le_bytes()).map_err(io_err)?;
        }
        Ok(())
    })
}

/// The formats [`save`] chooses from by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.png`: Turbo colours.
    Png,
    /// `.npy`: raw counts.
    Npy,
}

impl Format {
    /// The format named by `path`'s extension (case-insensitive).
    pub fn of(path: &Path) -> Result<Format, PictureError> {
        match path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("png") => Ok(Format::Png),
            Some("npy") => Ok(Format::Npy),
            _ => Err(PictureError::UnknownFormat(path.to_owned())),
        }
    }
}

/// Saves `counts` as PNG or `.npy`, by `path`'s extension.
pub fn save(path: &Path, counts: &Counts, max_iter: u32) -> Result<(), PictureError> {
    match Format::of(path)? {
        Format::Png => write_png(path, counts, max_iter),
        Format::Npy => write_npy(path, counts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npy_header_is_aligned() {
        for (w, h) in [(1, 1), (400, 400), (1280, 720), (12345, 7)] {
            let header = npy_header(w, h);
            assert_eq!(header.len() % 64, 0);
            assert_eq!(*header.last().unwrap(), b'\n');
        }
    }

    #[test]
    fn palette_ends_dark_red() {
        let p = turbo_palette(250);
        assert_eq!(p.len(), 251);
        assert!(p[250][0] > p[250][2], "the set is red, not blue");
    }
}
