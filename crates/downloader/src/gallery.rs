//! The gallery the local server serves: real PNG images, generated, deterministic.
//!
//! Image `i` always has the same size and the same pixels, so two downloads of the gallery can be
//! compared byte for byte, and the sizes differ so that some downloads take longer than others
//! (as with the seeds' imgur gallery).

/// Width and height of gallery image `index`: between 48 and 255 pixels each side, varied.
pub fn dimensions(index: usize) -> (u32, u32) {
    let width = 48 + (index * 37 % 208) as u32;
    let height = 48 + (index * 53 % 208) as u32;
    (width, height)
}

/// The PNG file of gallery image `index`: a colour gradient with a few rings, different per image.
pub fn png(index: usize) -> Vec<u8> {
    let (width, height) = dimensions(index);
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    let seed = index as u32;
    for y in 0..height {
        for x in 0..width {
            let dx = x as i64 - width as i64 / 2;
            let dy = y as i64 - height as i64 / 2;
            let ring = ((dx * dx + dy * dy) as f64).sqrt() as u32 / (4 + seed % 7);
            pixels.push((x * 255 / width) as u8 ^ (seed.wrapping_mul(29) as u8));
            pixels.push((y * 255 / height) as u8);
            pixels.push(if ring.is_multiple_of(2) {
                (seed * 47 % 256) as u8
            } else {
                255 - (seed * 13 % 256) as u8
            });
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Writing into a Vec cannot fail, and the pixel buffer has exactly the announced size.
    let mut writer = encoder.write_header().expect("PNG header into memory");
    writer
        .write_image_data(&pixels)
        .expect("PNG data into memory");
    writer.finish().expect("PNG end into memory");
    out
}

/// The file name of gallery image `index` on the server (`image-007.png`).
pub fn file_name(index: usize) -> String {
    format!("image-{index:03}.png")
}
