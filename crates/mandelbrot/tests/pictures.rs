//! Files: the PNG decodes back, the `.npy` header is numpy's, the zoom has its frames.

use std::fs::File;
use std::time::Duration;

use mandelbrot::picture::{self, Format, PictureError};
use mandelbrot::strategies;
use mandelbrot::zoom::{self, ZoomConfig};
use mandelbrot::{Params, Strategy};

fn render(w: usize, h: usize) -> (Params, strategies::Counts) {
    let params = Params::seeds(w, h, 100).unwrap();
    let counts = strategies::render(&params, Strategy::Simd, 1).counts;
    (params, counts)
}

#[test]
fn png_decodes_back_to_the_right_size() {
    let dir = tempfile::tempdir().unwrap();
    let (params, counts) = render(37, 21);
    let path = dir.path().join("m.png");
    picture::save(&path, &counts, params.max_iter()).unwrap();
    let decoder = png::Decoder::new(std::io::BufReader::new(File::open(&path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (37, 21));
    assert_eq!(info.color_type, png::ColorType::Rgb);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn npy_has_a_valid_header_and_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (params, counts) = render(13, 5);
    let path = dir.path().join("m.npy");
    picture::save(&path, &counts, params.max_iter()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    assert_eq!(
        (10 + header_len) % 64,
        0,
        "numpy aligns the data to 64 bytes"
    );
    let header = std::str::from_utf8(&bytes[10..10 + header_len]).unwrap();
    assert!(
        header.starts_with("{'descr': '<u2', 'fortran_order': False, 'shape': (5, 13), }"),
        "{header}"
    );
    assert!(header.ends_with('\n'));
    let data = &bytes[10 + header_len..];
    assert_eq!(data.len(), 13 * 5 * 2);
    let values: Vec<u32> = data
        .chunks(2)
        .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        .collect();
    assert_eq!(values, counts.data);
}

#[test]
fn unknown_extensions_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (params, counts) = render(3, 3);
    let path = dir.path().join("m.jpg");
    let refused = picture::save(&path, &counts, params.max_iter()).unwrap_err();
    assert!(matches!(refused, PictureError::UnknownFormat(_)));
    assert!(
        refused.is_bad_input(),
        "a bad file name is bad input: exit code 2"
    );
    assert!(Format::of(&dir.path().join("X.PNG")).is_ok());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn zoom_writes_every_frame() {
    testkit::deadline(Duration::from_secs(60), || {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zoom.png");
        let config = ZoomConfig {
            frames: 5,
            width: 16,
            height: 12,
            supersample: 2,
            max_iter: 50,
            ..ZoomConfig::quick()
        };
        let mut seen = Vec::new();
        let report = zoom::write_apng(&path, &config, |k| seen.push(k)).unwrap();
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
        assert_eq!((report.path.as_path(), report.frames), (path.as_path(), 5));
        let said = format!("wrote {} (5 frames in ", path.display());
        assert!(report.to_string().starts_with(&said), "{report}");
        let decoder = png::Decoder::new(std::io::BufReader::new(File::open(&path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let control = reader.info().animation_control().expect("an animated PNG");
        assert_eq!(control.num_frames, 5);
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let mut decoded = 0;
        while reader.next_frame(&mut buf).is_ok() {
            decoded += 1;
        }
        assert_eq!(decoded, 5);
        assert_eq!((reader.info().width, reader.info().height), (16, 12));
    });
}

#[test]
fn zoom_frames_are_lazy_and_sized() {
    let config = ZoomConfig {
        frames: 3,
        width: 8,
        height: 6,
        supersample: 3,
        max_iter: 20,
        ..ZoomConfig::quick()
    };
    let mut frames = zoom::frames(config);
    let first = frames.next().unwrap().unwrap();
    assert_eq!(first.len(), 8 * 6);
    assert_eq!(frames.count(), 2);
}

#[test]
fn bad_zoom_settings_are_refused() {
    let ok = ZoomConfig::quick();
    for bad in [
        ZoomConfig { frames: 0, ..ok },
        ZoomConfig {
            supersample: 0,
            ..ok
        },
        ZoomConfig { factor: 1.0, ..ok },
        ZoomConfig {
            factor: f64::NAN,
            ..ok
        },
        ZoomConfig { width: 0, ..ok },
        ZoomConfig { max_iter: 0, ..ok },
    ] {
        let Err(refused) = bad.validate() else {
            panic!("{bad:?} was accepted")
        };
        assert!(refused.is_bad_input(), "{bad:?}: {refused}");
    }
    assert!(ok.validate().is_ok());
    assert!(ZoomConfig::seeds().validate().is_ok());
    // `zoom --seeds --fps 60`: the seeds' sizes, the flag's frame rate.
    let fast = ZoomConfig { fps: 60, ..ok }.at_seeds_size();
    assert_eq!(
        fast,
        ZoomConfig {
            fps: 60,
            ..ZoomConfig::seeds()
        }
    );
}
