//! Uploaded part pictures: checked by their bytes, decoded with limits, re-encoded (which
//! drops any metadata and anything that is not pixels) to a display size, a medium size (for
//! phones and for cards on dense screens: `srcset`) and a thumbnail.

use image::{
    codecs::jpeg::JpegEncoder, imageops::FilterType, DynamicImage, ImageFormat, ImageReader,
    Limits, Rgb, RgbImage,
};
use std::io::Cursor;

/// The largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = crate::listings::MAX_IMAGE_BYTES;
/// The largest width or height decoded (guards against decompression bombs).
pub const MAX_DIMENSION: u32 = 8_000;
/// The display picture fits in this box.
pub const DISPLAY_BOX: (u32, u32) = (1200, 900);
/// The medium picture fits in this box (same shape as the display picture).
pub const MEDIUM_BOX: (u32, u32) = (800, 600);
/// Thumbnails are cropped to exactly this size.
pub const THUMB_SIZE: (u32, u32) = (400, 300);

/// Why an upload was refused; the message is for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// Over [`MAX_UPLOAD_BYTES`].
    #[error("The image is larger than 5 MB. Please upload a smaller one.")]
    TooLarge,
    /// Not one of the four formats (judged by the bytes, not the name).
    #[error("This file is not a JPEG, PNG, WebP or GIF image.")]
    UnsupportedFormat,
    /// Wider or taller than [`MAX_DIMENSION`].
    #[error("The image is too large in pixels (at most 8000 × 8000).")]
    TooManyPixels,
    /// The bytes claim a format but do not decode.
    #[error("The image file is damaged or incomplete. Please try another file.")]
    Corrupt,
}

/// A processed picture, ready to store.
pub struct Processed {
    /// JPEG, fitted into [`DISPLAY_BOX`].
    pub display: Vec<u8>,
    /// JPEG, fitted into [`MEDIUM_BOX`].
    pub medium: Vec<u8>,
    /// JPEG, exactly [`THUMB_SIZE`].
    pub thumb: Vec<u8>,
}

/// Checks, decodes and re-encodes an uploaded image. CPU-heavy: call it from a blocking thread.
pub fn process(bytes: &[u8]) -> Result<Processed, ImageError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ImageError::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| ImageError::UnsupportedFormat)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif
    ) {
        return Err(ImageError::UnsupportedFormat);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels,
        _ => ImageError::Corrupt,
    })?;
    let rgb = flatten_on_white(&decoded);
    process_pixels(&rgb)
}

/// Resizes and encodes decoded pixels (also used for the demo pictures).
pub fn process_pixels(rgb: &RgbImage) -> Result<Processed, ImageError> {
    let (w, h) = rgb.dimensions();
    let display = if w > DISPLAY_BOX.0 || h > DISPLAY_BOX.1 {
        DynamicImage::ImageRgb8(rgb.clone())
            .resize(DISPLAY_BOX.0, DISPLAY_BOX.1, FilterType::Lanczos3)
            .to_rgb8()
    } else {
        rgb.clone()
    };
    let thumb = DynamicImage::ImageRgb8(rgb.clone())
        .resize_to_fill(THUMB_SIZE.0, THUMB_SIZE.1, FilterType::Triangle)
        .to_rgb8();
    Ok(Processed {
        medium: jpeg(&fit(&display, MEDIUM_BOX))?,
        display: jpeg(&display)?,
        thumb: jpeg(&thumb)?,
    })
}

/// The medium picture made from a stored display picture (our own JPEG): for pictures stored
/// before the medium size existed.
pub fn medium_from_display(display_jpeg: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(display_jpeg), ImageFormat::Jpeg);
    let mut limits = Limits::default();
    limits.max_image_width = Some(DISPLAY_BOX.0);
    limits.max_image_height = Some(DISPLAY_BOX.1);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|_| ImageError::Corrupt)?;
    jpeg(&fit(&decoded.to_rgb8(), MEDIUM_BOX))
}

/// `rgb` made to fit in `bound`, keeping its shape (never enlarged).
fn fit(rgb: &RgbImage, bound: (u32, u32)) -> RgbImage {
    let (w, h) = rgb.dimensions();
    if w <= bound.0 && h <= bound.1 {
        return rgb.clone();
    }
    DynamicImage::ImageRgb8(rgb.clone())
        .resize(bound.0, bound.1, FilterType::CatmullRom)
        .to_rgb8()
}

/// Transparent pixels become white (JPEG has no transparency).
fn flatten_on_white(image: &DynamicImage) -> RgbImage {
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        Rgb([over(p[0]), over(p[1]), over(p[2])])
    })
}

fn jpeg(image: &RgbImage) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(image)
        .map_err(|_| ImageError::Corrupt)?;
    Ok(out)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A small picture in `format`, for tests.
    pub fn sample(format: ImageFormat, w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(img)
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn accepts_the_four_formats_and_makes_three_jpegs() {
        for format in [
            ImageFormat::Jpeg,
            ImageFormat::Png,
            ImageFormat::WebP,
            ImageFormat::Gif,
        ] {
            let done =
                process(&sample(format, 1600, 1000)).unwrap_or_else(|e| panic!("{format:?}: {e}"));
            let display = image::load_from_memory(&done.display).unwrap();
            let thumb = image::load_from_memory(&done.thumb).unwrap();
            assert_eq!(
                image::guess_format(&done.display).unwrap(),
                ImageFormat::Jpeg
            );
            assert_eq!(
                (display.width(), display.height()),
                (1200, 750),
                "{format:?}"
            );
            assert_eq!((thumb.width(), thumb.height()), THUMB_SIZE);
            let medium = image::load_from_memory(&done.medium).unwrap();
            assert_eq!((medium.width(), medium.height()), (800, 500), "{format:?}");
            // The same from the stored display picture, for pictures stored before.
            let again =
                image::load_from_memory(&medium_from_display(&done.display).unwrap()).unwrap();
            assert_eq!((again.width(), again.height()), (800, 500));
        }
        assert_eq!(medium_from_display(b"not a jpeg"), Err(ImageError::Corrupt));
        // Small pictures are not blown up.
        let small = process(&sample(ImageFormat::Png, 300, 200)).unwrap();
        let display = image::load_from_memory(&small.display).unwrap();
        assert_eq!((display.width(), display.height()), (300, 200));
    }

    #[test]
    fn refuses_what_is_not_a_picture() {
        assert_eq!(
            process(b"just some text, renamed to photo.jpg").err(),
            Some(ImageError::UnsupportedFormat)
        );
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(process(svg).err(), Some(ImageError::UnsupportedFormat));
        // Formats the image crate knows by their bytes but PartWatch does not take.
        for header in [
            &b"BM\x36\x00\x00\x00\x00\x00"[..],
            b"II*\x00\x08\x00\x00\x00",
            b"\x00\x00\x01\x00\x01\x00",
        ] {
            assert_eq!(process(header).err(), Some(ImageError::UnsupportedFormat));
        }
        let png = sample(ImageFormat::Png, 200, 200);
        assert_eq!(
            process(&png[..png.len() / 2]).err(),
            Some(ImageError::Corrupt)
        );
        let mut big = sample(ImageFormat::Png, 10, 10);
        big.resize(MAX_UPLOAD_BYTES + 1, 0);
        assert_eq!(process(&big).err(), Some(ImageError::TooLarge));
        assert_eq!(process(&[]).err(), Some(ImageError::UnsupportedFormat));
    }

    #[test]
    fn refuses_decompression_bombs() {
        // A tiny file that claims 9000 × 9000 pixels.
        let bomb = sample(ImageFormat::Png, 9000, 1);
        assert_eq!(process(&bomb).err(), Some(ImageError::TooManyPixels));
    }

    #[test]
    fn transparency_becomes_white() {
        let rgba = image::RgbaImage::from_pixel(20, 20, image::Rgba([0, 0, 0, 0]));
        let mut png = Cursor::new(Vec::new());
        DynamicImage::ImageRgba8(rgba)
            .write_to(&mut png, ImageFormat::Png)
            .unwrap();
        let done = process(&png.into_inner()).unwrap();
        let px = image::load_from_memory(&done.display)
            .unwrap()
            .to_rgb8()
            .get_pixel(10, 10)
            .0;
        assert!(px.iter().all(|c| *c > 240), "{px:?}");
    }
}
