//! Uploaded part pictures: checked by their bytes, decoded with limits, re-encoded (which
//! drops any metadata and anything that is not pixels) to a display size, a medium size (for
//! phones and for cards on dense screens: `srcset`) and a thumbnail.
//!
//! Memory is bounded three ways: a picture's size is read from its header and refused above
//! [`MAX_PIXELS`] before anything is decoded (a 35-byte GIF can claim an 8000 × 8000 canvas);
//! the decoder's own allocations are capped ([`MAX_DECODE_BYTES`]); and at most
//! [`MAX_CONCURRENT_JOBS`] pictures are processed at once, the others waiting up to
//! [`JOB_WAIT`] and then told to try again. Measured at the limit (25 megapixels), one job
//! raised the server's peak memory by 135 MB (JPEG) and 162 MB (PNG with transparency).

use image::{
    codecs::jpeg::JpegEncoder, imageops::FilterType, DynamicImage, ImageFormat, ImageReader,
    Limits, Rgb, RgbImage,
};
use std::{io::Cursor, time::Duration};
use tokio::sync::Semaphore;

/// The largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = crate::listings::MAX_IMAGE_BYTES;
/// The largest width or height decoded.
pub const MAX_DIMENSION: u32 = 8_000;
/// The most pixels decoded (25 megapixels: a 6000 × 4000 camera photo fits).
pub const MAX_PIXELS: u64 = 25_000_000;
/// The most a decoder may allocate: the largest picture as RGBA, with room for its buffers.
pub const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 4 + 16 * 1024 * 1024;
/// How many pictures are decoded and re-encoded at once: one. A picture at the pixel limit
/// takes up to about 160 MB while it is processed, so two at once would take the server past
/// 300 MB; one at a time also leaves the other core to the shop's pages. Suppliers upload
/// rarely, and a 25-megapixel photo takes well under a second in the release build.
pub const MAX_CONCURRENT_JOBS: usize = 1;
/// How long an upload waits for a free slot before it is told to try again.
pub const JOB_WAIT: Duration = Duration::from_secs(15);
/// The display picture fits in this box.
pub const DISPLAY_BOX: (u32, u32) = (1200, 900);
/// The medium picture fits in this box (same shape as the display picture).
pub const MEDIUM_BOX: (u32, u32) = (800, 600);
/// Thumbnails are cropped to exactly this size.
pub const THUMB_SIZE: (u32, u32) = (400, 300);

static JOBS: Semaphore = Semaphore::const_new(MAX_CONCURRENT_JOBS);

/// Why an upload was refused; the message is for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    /// Over [`MAX_UPLOAD_BYTES`].
    #[error("The image is larger than 5 MB. Please upload a smaller one.")]
    TooLarge,
    /// Not one of the four formats (judged by the bytes, not the name).
    #[error("This file is not a JPEG, PNG, WebP or GIF image.")]
    UnsupportedFormat,
    /// Over [`MAX_DIMENSION`] on a side or [`MAX_PIXELS`] in all.
    #[error(
        "The image has too many pixels (at most 25 megapixels, e.g. 6000 × 4000, and 8000 on \
         a side). Please upload a smaller version."
    )]
    TooManyPixels,
    /// The bytes claim a format but do not decode.
    #[error("The image file is damaged or incomplete. Please try another file.")]
    Corrupt,
    /// Every processing slot stayed busy for [`JOB_WAIT`].
    #[error(
        "Many photos are being processed right now, so yours was not saved. Please send the \
         form again in a minute."
    )]
    Busy,
}

impl ImageError {
    /// A short name for the log.
    pub fn reason(&self) -> &'static str {
        match self {
            ImageError::TooLarge => "too_large",
            ImageError::UnsupportedFormat => "unsupported_format",
            ImageError::TooManyPixels => "too_many_pixels",
            ImageError::Corrupt => "corrupt",
            ImageError::Busy => "busy",
        }
    }
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

/// Runs `work` (picture decoding or encoding) on a blocking thread once one of the
/// [`MAX_CONCURRENT_JOBS`] slots is free; after [`JOB_WAIT`] without one it is
/// [`ImageError::Busy`].
pub async fn run_job<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ImageError> + Send + 'static,
) -> Result<T, ImageError> {
    let slot = tokio::time::timeout(JOB_WAIT, JOBS.acquire())
        .await
        .map_err(|_| ImageError::Busy)?
        .map_err(|_| ImageError::Busy)?;
    let done = tokio::task::spawn_blocking(work).await;
    drop(slot);
    done.map_err(|e| {
        tracing::error!(error = %e, "picture processing panicked");
        ImageError::Corrupt
    })?
}

/// [`process`] in a processing slot.
pub async fn process_limited(bytes: Vec<u8>) -> Result<Processed, ImageError> {
    run_job(move || process(&bytes)).await
}

/// The limits every decoder gets.
fn limits(max_side: u32) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(max_side);
    limits.max_image_height = Some(max_side);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Checks, decodes and re-encodes an uploaded image. CPU-heavy: call it from a blocking thread
/// (through [`process_limited`]).
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
    // The size as the header claims it (for a GIF, its logical screen), before decoding.
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| ImageError::Corrupt)?;
    if w > MAX_DIMENSION || h > MAX_DIMENSION || u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(ImageError::TooManyPixels);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits(MAX_DIMENSION));
    let decoded = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels,
        _ => ImageError::Corrupt,
    })?;
    // Averaged down at once to twice the display size, in the decoded pixel format (no
    // full-size copy in another format), before transparency is flattened.
    let (w, h) = (decoded.width(), decoded.height());
    let decoded = if w > 2 * DISPLAY_BOX.0 || h > 2 * DISPLAY_BOX.1 {
        let (tw, th) = fitted((w, h), (2 * DISPLAY_BOX.0, 2 * DISPLAY_BOX.1));
        decoded.thumbnail_exact(tw, th)
    } else {
        decoded
    };
    let rgb = if decoded.color().has_alpha() {
        flatten_on_white(decoded)
    } else {
        decoded.into_rgb8()
    };
    process_pixels(rgb)
}

/// Resizes and encodes decoded pixels (also used for the demo pictures). Large pictures are
/// first averaged down to twice the display size (fast, and no large intermediate buffers),
/// then resized properly.
pub fn process_pixels(rgb: RgbImage) -> Result<Processed, ImageError> {
    let (w, h) = rgb.dimensions();
    let rgb = if w > 2 * DISPLAY_BOX.0 || h > 2 * DISPLAY_BOX.1 {
        let (tw, th) = fitted((w, h), (2 * DISPLAY_BOX.0, 2 * DISPLAY_BOX.1));
        image::imageops::thumbnail(&rgb, tw, th)
    } else {
        rgb
    };
    let display = fit(&rgb, DISPLAY_BOX, FilterType::Lanczos3);
    let thumb = DynamicImage::ImageRgb8(display.clone())
        .resize_to_fill(THUMB_SIZE.0, THUMB_SIZE.1, FilterType::Triangle)
        .to_rgb8();
    drop(rgb);
    Ok(Processed {
        medium: jpeg(&fit(&display, MEDIUM_BOX, FilterType::CatmullRom))?,
        display: jpeg(&display)?,
        thumb: jpeg(&thumb)?,
    })
}

/// The size of `size` fitted into `bound`, keeping its shape (never enlarged, at least 1).
fn fitted(size: (u32, u32), bound: (u32, u32)) -> (u32, u32) {
    let (w, h) = (u64::from(size.0), u64::from(size.1));
    if w <= u64::from(bound.0) && h <= u64::from(bound.1) {
        return size;
    }
    // The smaller of the two scale factors, in integers.
    let (tw, th) = if w * u64::from(bound.1) >= h * u64::from(bound.0) {
        (u64::from(bound.0), (h * u64::from(bound.0) + w / 2) / w)
    } else {
        ((w * u64::from(bound.1) + h / 2) / h, u64::from(bound.1))
    };
    (tw.max(1) as u32, th.max(1) as u32)
}

/// The medium picture made from a stored display picture (our own JPEG): for pictures stored
/// before the medium size existed.
pub fn medium_from_display(display_jpeg: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut reader = ImageReader::with_format(Cursor::new(display_jpeg), ImageFormat::Jpeg);
    reader.limits(limits(DISPLAY_BOX.0.max(DISPLAY_BOX.1)));
    let decoded = reader.decode().map_err(|_| ImageError::Corrupt)?;
    jpeg(&fit(
        &decoded.into_rgb8(),
        MEDIUM_BOX,
        FilterType::CatmullRom,
    ))
}

/// `rgb` made to fit in `bound`, keeping its shape (never enlarged).
fn fit(rgb: &RgbImage, bound: (u32, u32), filter: FilterType) -> RgbImage {
    let (w, h) = fitted(rgb.dimensions(), bound);
    if (w, h) == rgb.dimensions() {
        return rgb.clone();
    }
    image::imageops::resize(rgb, w, h, filter)
}

/// Transparent pixels become white (JPEG has no transparency).
fn flatten_on_white(image: DynamicImage) -> RgbImage {
    let rgba = image.into_rgba8();
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

    /// 35 bytes: a GIF whose logical screen is 8000 × 8000 with one 1 × 1 frame.
    pub const GIF_BOMB: &str =
        "474946383961401f401f800000000000ffffff2c00000000010001000002024401003b";

    pub fn gif_bomb() -> Vec<u8> {
        (0..GIF_BOMB.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&GIF_BOMB[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn refuses_decompression_bombs_before_decoding() {
        // A tiny file that claims 9000 × 9000 pixels.
        let bomb = sample(ImageFormat::Png, 9000, 1);
        assert_eq!(process(&bomb).err(), Some(ImageError::TooManyPixels));
        // 64 megapixels claimed by 35 bytes: refused by the header, nothing decoded.
        assert_eq!(gif_bomb().len(), 35);
        assert_eq!(process(&gif_bomb()).err(), Some(ImageError::TooManyPixels));
        // Under 8000 on each side but over 25 megapixels in all.
        let mut wide = gif_bomb();
        wide[6..8].copy_from_slice(&7000u16.to_le_bytes());
        wide[8..10].copy_from_slice(&4000u16.to_le_bytes());
        assert_eq!(process(&wide).err(), Some(ImageError::TooManyPixels));
        // A small canvas of the same make is an ordinary picture.
        let mut small = gif_bomb();
        small[6..8].copy_from_slice(&40u16.to_le_bytes());
        small[8..10].copy_from_slice(&30u16.to_le_bytes());
        let done = process(&small).unwrap();
        let display = image::load_from_memory(&done.display).unwrap();
        assert_eq!((display.width(), display.height()), (40, 30));
    }

    #[test]
    fn fitting_keeps_the_shape_and_never_enlarges() {
        assert_eq!(fitted((6000, 4000), (1200, 900)), (1200, 800));
        assert_eq!(fitted((1000, 8000), (1200, 900)), (113, 900));
        assert_eq!(fitted((300, 200), (1200, 900)), (300, 200));
        assert_eq!(fitted((8000, 1), (800, 600)), (800, 1));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn pictures_are_processed_one_at_a_time_and_the_rest_wait() {
        use std::sync::{
            atomic::{AtomicUsize, Ordering},
            Arc,
        };
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let jobs = (0..6).map(|_| {
            let (running, peak) = (running.clone(), peak.clone());
            tokio::spawn(run_job(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(100));
                running.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            }))
        });
        for job in jobs.collect::<Vec<_>>() {
            job.await.unwrap().unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), MAX_CONCURRENT_JOBS);
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
