//! Product pictures for the demo data, drawn by PartWatch itself (no downloaded photos).
//!
//! Each kind of part gets a clean studio-style illustration: a soft background, a shadow, and
//! the part built from anti-aliased shapes (signed distance functions), shaded top to bottom.

use image::{Rgb, RgbImage};

/// The kinds of part the demo catalogue has pictures for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BrakeDisc,
    BrakePads,
    OilFilter,
    AirFilter,
    SparkPlug,
    Bulb,
    Battery,
    Belt,
    Shock,
    Wiper,
    Sensor,
}

/// Width and height of the display-size picture.
pub const DISPLAY: (u32, u32) = (800, 600);

type Color = [f32; 3];

const STEEL: Color = [168.0, 174.0, 182.0];
const DARK_STEEL: Color = [92.0, 98.0, 108.0];
const BLACK: Color = [38.0, 41.0, 46.0];
const WHITE: Color = [240.0, 240.0, 236.0];
const BRASS: Color = [196.0, 160.0, 90.0];

struct Canvas {
    img: RgbImage,
}

impl Canvas {
    fn new(bg_top: Color, bg_bottom: Color) -> Self {
        let (w, h) = DISPLAY;
        let img = RgbImage::from_fn(w, h, |_, y| {
            let t = y as f32 / h as f32;
            Rgb(mix(bg_top, bg_bottom, t).map(|c| c as u8))
        });
        Self { img }
    }

    /// Paints `color` where the signed distance `sdf(x, y)` is below zero, anti-aliased, with a
    /// vertical light falloff of strength `shade` across the shape's bounding rows `top..bottom`.
    fn paint(&mut self, color: Color, shade: f32, rows: (f32, f32), sdf: impl Fn(f32, f32) -> f32) {
        let (w, h) = DISPLAY;
        let (top, bottom) = rows;
        let y0 = (top - 2.0).max(0.0) as u32;
        let y1 = ((bottom + 2.0) as u32).min(h);
        for y in y0..y1 {
            let fy = y as f32 + 0.5;
            let t = ((fy - top) / (bottom - top).max(1.0)).clamp(0.0, 1.0);
            let lit = color.map(|c| (c * (1.0 + shade * (0.5 - t))).clamp(0.0, 255.0));
            // The distance bounds how far the shape is: skip that far along the row.
            let mut x = 0;
            while x < w {
                let d = sdf(x as f32 + 0.5, fy);
                let cover = (0.5 - d).clamp(0.0, 1.0);
                if cover > 0.0 {
                    let px = self.img.get_pixel_mut(x, y);
                    let old = px.0.map(|c| c as f32);
                    px.0 = mix(old, lit, cover).map(|c| c as u8);
                }
                x += (d - 1.0).max(1.0) as u32;
            }
        }
    }

    /// A soft elliptical shadow on the floor.
    fn shadow(&mut self, cx: f32, cy: f32, rx: f32, ry: f32) {
        let (w, h) = DISPLAY;
        let ys = (cy - ry).max(0.0) as u32..((cy + ry) as u32).min(h);
        for y in ys {
            for x in (cx - rx).max(0.0) as u32..((cx + rx) as u32).min(w) {
                let dx = (x as f32 - cx) / rx;
                let dy = (y as f32 - cy) / ry;
                let r = (dx * dx + dy * dy).sqrt();
                if r < 1.0 {
                    let a = 0.28 * (1.0 - r).powf(1.5);
                    let px = self.img.get_pixel_mut(x, y);
                    px.0 = px.0.map(|c| (c as f32 * (1.0 - a)) as u8);
                }
            }
        }
    }
}

fn mix(a: Color, b: Color, t: f32) -> Color {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn circle(cx: f32, cy: f32, r: f32) -> impl Fn(f32, f32) -> f32 {
    move |x, y| ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r
}

fn ring(cx: f32, cy: f32, r_in: f32, r_out: f32) -> impl Fn(f32, f32) -> f32 {
    move |x, y| {
        let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
        (d - r_out).max(r_in - d)
    }
}

/// A rectangle centred at (cx, cy) with half sizes (hw, hh), rounded by `r`, turned by `angle`.
fn rect(cx: f32, cy: f32, hw: f32, hh: f32, r: f32, angle: f32) -> impl Fn(f32, f32) -> f32 {
    let (s, c) = angle.sin_cos();
    move |x, y| {
        let (dx, dy) = (x - cx, y - cy);
        let (lx, ly) = (dx * c + dy * s, -dx * s + dy * c);
        let qx = lx.abs() - (hw - r);
        let qy = ly.abs() - (hh - r);
        let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
        outside + qx.max(qy).min(0.0) - r
    }
}

/// Draws the picture for a part of `kind` in the accent colour `accent`.
pub fn render(kind: Kind, accent: [u8; 3]) -> RgbImage {
    let accent = accent.map(f32::from);
    let mut c = Canvas::new([247.0, 248.0, 250.0], [226.0, 230.0, 236.0]);
    draw(&mut c, kind, accent);
    c.img
}

fn draw(c: &mut Canvas, kind: Kind, accent: Color) {
    use std::f32::consts::{FRAC_PI_2, PI, TAU};
    match kind {
        Kind::BrakeDisc => {
            c.shadow(400.0, 520.0, 240.0, 34.0);
            c.paint(STEEL, 0.5, (70.0, 510.0), ring(400.0, 290.0, 0.0, 220.0));
            // Cooling vanes show as a darker band between the friction rings.
            c.paint(
                DARK_STEEL,
                0.3,
                (70.0, 510.0),
                ring(400.0, 290.0, 212.0, 220.0),
            );
            for i in 0..24 {
                let a = i as f32 / 24.0 * TAU;
                let (s, co) = a.sin_cos();
                c.paint(
                    DARK_STEEL,
                    0.2,
                    (90.0, 490.0),
                    circle(400.0 + co * 168.0, 290.0 + s * 168.0, 7.0),
                );
            }
            c.paint(accent, 0.4, (170.0, 410.0), circle(400.0, 290.0, 118.0));
            c.paint(DARK_STEEL, 0.2, (250.0, 330.0), circle(400.0, 290.0, 40.0));
            for i in 0..5 {
                let a = i as f32 / 5.0 * TAU - FRAC_PI_2;
                let (s, co) = a.sin_cos();
                c.paint(
                    BLACK,
                    0.0,
                    (200.0, 380.0),
                    circle(400.0 + co * 76.0, 290.0 + s * 76.0, 12.0),
                );
            }
        }
        Kind::BrakePads => {
            c.shadow(400.0, 480.0, 280.0, 30.0);
            for (cx, angle) in [(300.0, -0.12), (500.0, 0.12)] {
                c.paint(
                    DARK_STEEL,
                    0.4,
                    (150.0, 460.0),
                    rect(cx, 300.0, 95.0, 150.0, 26.0, angle),
                );
                c.paint(
                    BLACK,
                    0.3,
                    (170.0, 440.0),
                    rect(cx, 305.0, 78.0, 128.0, 20.0, angle),
                );
                c.paint(
                    accent,
                    0.3,
                    (170.0, 200.0),
                    rect(cx, 170.0, 40.0, 10.0, 5.0, angle),
                );
            }
        }
        Kind::OilFilter => {
            c.shadow(400.0, 505.0, 170.0, 26.0);
            c.paint(
                accent,
                0.6,
                (130.0, 500.0),
                rect(400.0, 315.0, 140.0, 185.0, 28.0, 0.0),
            );
            c.paint(
                DARK_STEEL,
                0.4,
                (110.0, 170.0),
                rect(400.0, 140.0, 146.0, 30.0, 12.0, 0.0),
            );
            for i in 0..14 {
                let x = 270.0 + i as f32 * 20.0;
                c.paint(
                    DARK_STEEL,
                    0.1,
                    (112.0, 168.0),
                    rect(x, 140.0, 3.0, 24.0, 1.5, 0.0),
                );
            }
            c.paint(
                WHITE,
                0.1,
                (270.0, 380.0),
                rect(400.0, 325.0, 140.0, 55.0, 4.0, 0.0),
            );
            c.paint(
                accent,
                0.2,
                (300.0, 350.0),
                rect(400.0, 325.0, 90.0, 14.0, 7.0, 0.0),
            );
        }
        Kind::AirFilter => {
            c.shadow(400.0, 470.0, 290.0, 28.0);
            c.paint(
                accent,
                0.3,
                (150.0, 450.0),
                rect(400.0, 300.0, 270.0, 150.0, 16.0, 0.0),
            );
            c.paint(
                WHITE,
                0.2,
                (175.0, 425.0),
                rect(400.0, 300.0, 240.0, 125.0, 6.0, 0.0),
            );
            for i in 0..24 {
                let x = 170.0 + i as f32 * 20.0;
                c.paint(
                    [214.0, 206.0, 180.0],
                    0.3,
                    (175.0, 425.0),
                    rect(x, 300.0, 4.0, 125.0, 2.0, 0.0),
                );
            }
        }
        Kind::SparkPlug => {
            c.shadow(400.0, 540.0, 110.0, 20.0);
            let a = 0.0;
            c.paint(
                STEEL,
                0.4,
                (60.0, 110.0),
                rect(400.0, 85.0, 20.0, 26.0, 6.0, a),
            );
            c.paint(
                WHITE,
                0.3,
                (100.0, 300.0),
                rect(400.0, 200.0, 46.0, 100.0, 20.0, a),
            );
            for i in 0..4 {
                c.paint(
                    [214.0, 214.0, 208.0],
                    0.1,
                    (110.0, 200.0),
                    rect(400.0, 120.0 + i as f32 * 22.0, 48.0, 4.0, 2.0, a),
                );
            }
            c.paint(
                accent,
                0.2,
                (250.0, 285.0),
                rect(400.0, 268.0, 48.0, 16.0, 4.0, a),
            );
            c.paint(
                STEEL,
                0.6,
                (285.0, 365.0),
                rect(400.0, 325.0, 78.0, 40.0, 6.0, a),
            );
            c.paint(
                BRASS,
                0.3,
                (365.0, 480.0),
                rect(400.0, 422.0, 40.0, 58.0, 4.0, a),
            );
            for i in 0..8 {
                c.paint(
                    [150.0, 120.0, 60.0],
                    0.0,
                    (368.0, 478.0),
                    rect(400.0, 372.0 + i as f32 * 14.0, 40.0, 2.0, 1.0, 0.15),
                );
            }
            c.paint(
                DARK_STEEL,
                0.2,
                (480.0, 520.0),
                rect(400.0, 498.0, 6.0, 20.0, 3.0, a),
            );
            c.paint(
                DARK_STEEL,
                0.2,
                (470.0, 525.0),
                rect(412.0, 515.0, 16.0, 5.0, 2.0, a),
            );
        }
        Kind::Bulb => {
            c.shadow(400.0, 540.0, 120.0, 22.0);
            c.paint(
                [255.0, 246.0, 214.0],
                0.2,
                (80.0, 380.0),
                circle(400.0, 230.0, 150.0),
            );
            c.paint(
                [255.0, 255.0, 250.0],
                0.0,
                (120.0, 200.0),
                circle(350.0, 170.0, 40.0),
            );
            c.paint(BRASS, 0.2, (200.0, 300.0), ring(400.0, 245.0, 26.0, 30.0));
            c.paint(
                STEEL,
                0.5,
                (360.0, 520.0),
                rect(400.0, 440.0, 74.0, 80.0, 10.0, 0.0),
            );
            for i in 0..5 {
                c.paint(
                    DARK_STEEL,
                    0.1,
                    (380.0, 505.0),
                    rect(400.0, 392.0 + i as f32 * 26.0, 74.0, 4.0, 2.0, 0.0),
                );
            }
            c.paint(
                accent,
                0.2,
                (515.0, 535.0),
                rect(400.0, 525.0, 30.0, 12.0, 6.0, 0.0),
            );
        }
        Kind::Battery => {
            c.shadow(400.0, 500.0, 290.0, 30.0);
            c.paint(
                BLACK,
                0.5,
                (160.0, 490.0),
                rect(400.0, 325.0, 260.0, 165.0, 18.0, 0.0),
            );
            c.paint(
                [58.0, 62.0, 70.0],
                0.2,
                (150.0, 200.0),
                rect(400.0, 178.0, 262.0, 22.0, 10.0, 0.0),
            );
            c.paint(
                [200.0, 50.0, 50.0],
                0.3,
                (110.0, 160.0),
                rect(230.0, 140.0, 26.0, 24.0, 6.0, 0.0),
            );
            c.paint(
                DARK_STEEL,
                0.3,
                (110.0, 160.0),
                rect(570.0, 140.0, 26.0, 24.0, 6.0, 0.0),
            );
            c.paint(
                accent,
                0.3,
                (260.0, 400.0),
                rect(400.0, 330.0, 220.0, 70.0, 8.0, 0.0),
            );
            c.paint(
                WHITE,
                0.0,
                (310.0, 350.0),
                rect(340.0, 330.0, 120.0, 10.0, 5.0, 0.0),
            );
        }
        Kind::Belt => {
            c.shadow(400.0, 520.0, 240.0, 30.0);
            c.paint(BLACK, 0.4, (70.0, 510.0), ring(400.0, 290.0, 185.0, 220.0));
            for i in 0..60 {
                let a = i as f32 / 60.0 * TAU;
                let (s, co) = a.sin_cos();
                c.paint(
                    [70.0, 74.0, 80.0],
                    0.0,
                    (60.0, 520.0),
                    rect(400.0 + co * 190.0, 290.0 + s * 190.0, 3.0, 7.0, 1.5, a),
                );
            }
            c.paint(accent, 0.3, (230.0, 350.0), circle(400.0, 290.0, 58.0));
            c.paint(STEEL, 0.3, (260.0, 320.0), circle(400.0, 290.0, 22.0));
        }
        Kind::Shock => {
            c.shadow(400.0, 545.0, 130.0, 20.0);
            c.paint(STEEL, 0.3, (40.0, 80.0), ring(400.0, 60.0, 12.0, 30.0));
            c.paint(
                STEEL,
                0.6,
                (80.0, 250.0),
                rect(400.0, 165.0, 12.0, 85.0, 6.0, 0.0),
            );
            c.paint(
                accent,
                0.5,
                (240.0, 500.0),
                rect(400.0, 370.0, 56.0, 130.0, 14.0, 0.0),
            );
            for i in 0..7 {
                c.paint(
                    DARK_STEEL,
                    0.3,
                    (100.0, 480.0),
                    rect(400.0, 130.0 + i as f32 * 55.0, 110.0, 7.0, 6.0, -0.18),
                );
            }
            c.paint(STEEL, 0.3, (495.0, 545.0), ring(400.0, 520.0, 12.0, 28.0));
        }
        Kind::Wiper => {
            c.shadow(400.0, 470.0, 300.0, 22.0);
            let a = -0.28;
            c.paint(
                BLACK,
                0.4,
                (160.0, 460.0),
                rect(400.0, 310.0, 330.0, 10.0, 6.0, a),
            );
            c.paint(
                [60.0, 64.0, 70.0],
                0.2,
                (150.0, 450.0),
                rect(400.0, 296.0, 300.0, 16.0, 8.0, a),
            );
            c.paint(
                accent,
                0.3,
                (240.0, 330.0),
                rect(400.0, 285.0, 40.0, 22.0, 8.0, a),
            );
            c.paint(
                STEEL,
                0.3,
                (240.0, 320.0),
                rect(400.0, 278.0, 16.0, 10.0, 4.0, a),
            );
        }
        Kind::Sensor => {
            c.shadow(400.0, 500.0, 220.0, 26.0);
            // The cable: a thick arc.
            c.paint(BLACK, 0.2, (150.0, 470.0), move |x, y| {
                let d = ((x - 470.0).powi(2) + (y - 300.0).powi(2)).sqrt();
                let arc = (d - 150.0).abs() - 9.0;
                if y > 300.0 || x < 470.0 {
                    arc
                } else {
                    arc.max(1.0)
                }
            });
            c.paint(
                accent,
                0.4,
                (130.0, 190.0),
                rect(490.0, 160.0, 60.0, 26.0, 10.0, 0.0),
            );
            c.paint(
                DARK_STEEL,
                0.4,
                (240.0, 380.0),
                rect(320.0, 310.0, 44.0, 70.0, 10.0, 0.0),
            );
            c.paint(
                STEEL,
                0.5,
                (370.0, 470.0),
                rect(320.0, 420.0, 24.0, 50.0, 6.0, 0.0),
            );
            c.paint(
                BRASS,
                0.2,
                (260.0, 300.0),
                rect(320.0, 280.0, 60.0, 12.0, 6.0, PI),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_a_part_on_a_plain_background() {
        for kind in [Kind::BrakeDisc, Kind::Sensor, Kind::Wiper] {
            let d = render(kind, [200, 40, 40]);
            assert_eq!((d.width(), d.height()), DISPLAY);
            // Not a blank canvas: something is drawn in the middle.
            assert_ne!(d.get_pixel(400, 290).0, d.get_pixel(5, 5).0, "{kind:?}");
        }
    }
}
