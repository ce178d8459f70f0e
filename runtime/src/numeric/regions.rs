//! scikit-image's region analysis of an integer image, as REGION_PROPERTIES calls it:
//! `measure.label` (8-connected regions of one value), the shape measures of
//! `measure.regionprops`, `measure.find_contours` (marching squares) and, for the demo image,
//! `draw.ellipse` and an order-0 `transform.rotate`; and for EXTREMA_DETERMINATION the
//! intensity-weighted centroid, the convex area and `morphology.binary_erosion` by a disk.

use std::collections::HashMap;
use std::collections::VecDeque;

use super::image::{mat3, rotation, translation};

/// A labelled image: 0 is background, regions are 1..=count, numbered in the order a raster
/// scan meets them.
pub struct Labels {
    pub rows: usize,
    pub cols: usize,
    pub data: Vec<u32>,
    pub count: u32,
}

/// `skimage.measure.label(image)`: the regions of equal non-zero value, pixels touching by an
/// edge or a corner (connectivity 2), background 0.
pub fn label(image: &[i64], rows: usize, cols: usize) -> Labels {
    let mut data = vec![0u32; rows * cols];
    let mut count = 0;
    let mut queue = Vec::new();
    for start in 0..rows * cols {
        if image[start] == 0 || data[start] != 0 {
            continue;
        }
        count += 1;
        data[start] = count;
        queue.push(start);
        while let Some(p) = queue.pop() {
            let (r, c) = ((p / cols) as i64, (p % cols) as i64);
            for (dr, dc) in [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)] {
                let (nr, nc) = (r + dr, c + dc);
                if nr < 0 || nc < 0 || nr >= rows as i64 || nc >= cols as i64 {
                    continue;
                }
                let q = nr as usize * cols + nc as usize;
                if data[q] == 0 && image[q] == image[start] {
                    data[q] = count;
                    queue.push(q);
                }
            }
        }
    }
    Labels { rows, cols, data, count }
}

/// The measures of one region, as `regionprops` gives them (row, column order).
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    pub label: u32,
    pub area: f64,
    /// (min_row, min_col, max_row, max_col), the max exclusive.
    pub bbox: (usize, usize, usize, usize),
    pub centroid: (f64, f64),
    pub orientation: f64,
    pub axis_major_length: f64,
    pub axis_minor_length: f64,
    pub eccentricity: f64,
    pub perimeter: f64,
}

/// `regionprops(labels)`: one [`Region`] per label, in label order.
pub fn regionprops(labels: &Labels) -> Vec<Region> {
    region_pixels(labels).iter().enumerate().map(|(i, px)| measure(labels, i as u32 + 1, px)).collect()
}

/// Each region's pixels (row, column) in raster order, regions in label order (`coords`).
pub fn region_pixels(labels: &Labels) -> Vec<Vec<(usize, usize)>> {
    let mut pixels: Vec<Vec<(usize, usize)>> = vec![Vec::new(); labels.count as usize];
    for (i, &l) in labels.data.iter().enumerate() {
        if l > 0 {
            pixels[l as usize - 1].push((i / labels.cols, i % labels.cols));
        }
    }
    pixels
}

/// `regionprops(labels, intensity_image)[i].weighted_centroid` of one region's pixels: the
/// intensity moments about the region's bounding-box corner, divided by the total intensity,
/// plus the corner (NaN when the intensities sum to 0, as in scikit-image).
pub fn weighted_centroid(px: &[(usize, usize)], intensity: &[f64], cols: usize) -> (f64, f64) {
    let minr = px.iter().map(|p| p.0).min().unwrap_or(0);
    let minc = px.iter().map(|p| p.1).min().unwrap_or(0);
    let (mut m00, mut m10, mut m01) = (0.0, 0.0, 0.0);
    for &(r, c) in px {
        let v = intensity[r * cols + c];
        m00 += v;
        m10 += v * (r - minr) as f64;
        m01 += v * (c - minc) as f64;
    }
    (m10 / m00 + minr as f64, m01 / m00 + minc as f64)
}

/// `regionprops(...)[i].area_convex` of one region's pixels, as `convex_hull_image` finds it:
/// the pixels whose centres lie in the convex hull of the midpoints of the region's pixel edges
/// ((r ± ½, c) and (r, c ± ½)), the hull's edges included. Exact: the hull is built and cut
/// in half-pixel integer units.
pub fn area_convex(px: &[(usize, usize)]) -> usize {
    let mut pts: Vec<(i64, i64)> = Vec::with_capacity(4 * px.len());
    for &(r, c) in px {
        let (y, x) = (2 * r as i64, 2 * c as i64);
        pts.extend([(y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)]);
    }
    let hull = convex_hull(pts);
    if hull.is_empty() {
        return 0;
    }
    let ymin = hull.iter().map(|p| p.0).min().unwrap_or(0);
    let ymax = hull.iter().map(|p| p.0).max().unwrap_or(0);
    let mut count = 0;
    // each row of pixel centres (y = 2r) meets the hull in one interval [lo, hi] of x
    for r in ymin.div_euclid(2) + i64::from(ymin.rem_euclid(2) != 0)..=ymax.div_euclid(2) {
        let y = 2 * r;
        // the interval's ends as fractions num/den (den > 0)
        let (mut lo, mut hi): (Option<Fraction>, Option<Fraction>) = (None, None);
        let less = |a: Fraction, b: Fraction| a.0 * b.1 < b.0 * a.1;
        for i in 0..hull.len() {
            let (a, b) = (hull[i], hull[(i + 1) % hull.len()]);
            if (a.0 - y) * (b.0 - y) > 0 {
                continue;
            }
            let ends: Vec<Fraction> = if a.0 == b.0 {
                vec![(a.1 as i128, 1), (b.1 as i128, 1)]
            } else {
                let (num, den) = ((a.1 * (b.0 - a.0) + (y - a.0) * (b.1 - a.1)) as i128, (b.0 - a.0) as i128);
                vec![if den < 0 { (-num, -den) } else { (num, den) }]
            };
            for e in ends {
                if lo.is_none_or(|l| less(e, l)) {
                    lo = Some(e);
                }
                if hi.is_none_or(|h| less(h, e)) {
                    hi = Some(e);
                }
            }
        }
        if let (Some((ln, ld)), Some((hn, hd))) = (lo, hi) {
            // pixel centres x = 2c with lo <= 2c <= hi
            let first = -((-ln).div_euclid(2 * ld));
            let last = hn.div_euclid(2 * hd);
            count += (last - first + 1).max(0) as usize;
        }
    }
    count
}

/// A fraction (numerator, denominator > 0).
type Fraction = (i128, i128);

/// The convex hull of points (Andrew's monotone chain), counter-clockwise, without collinear
/// points.
fn convex_hull(mut pts: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    pts.sort_unstable();
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let cross = |o: (i64, i64), a: (i64, i64), b: (i64, i64)| (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0);
    let mut hull: Vec<(i64, i64)> = Vec::with_capacity(2 * pts.len());
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &(i64, i64)>> =
            if pass == 0 { Box::new(pts.iter()) } else { Box::new(pts.iter().rev()) };
        for &p in iter {
            while hull.len() >= start + 2 && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0 {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

/// `skimage.morphology.binary_erosion(mask, disk(radius))`: a pixel stays set when every pixel
/// of the disk (offsets with dr² + dc² ≤ radius²) around it is set; pixels beyond the edge count
/// as set (scikit-image's mode "ignore").
pub fn binary_erosion_disk(mask: &[bool], rows: usize, cols: usize, radius: i64) -> Vec<bool> {
    let offsets: Vec<(i64, i64)> = (-radius..=radius)
        .flat_map(|dr| (-radius..=radius).map(move |dc| (dr, dc)))
        .filter(|(dr, dc)| dr * dr + dc * dc <= radius * radius)
        .collect();
    let mut out = vec![false; rows * cols];
    for r in 0..rows as i64 {
        for c in 0..cols as i64 {
            out[(r * cols as i64 + c) as usize] = offsets.iter().all(|(dr, dc)| {
                let (rr, cc) = (r + dr, c + dc);
                rr < 0 || cc < 0 || rr >= rows as i64 || cc >= cols as i64 || mask[(rr * cols as i64 + cc) as usize]
            });
        }
    }
    out
}

fn measure(labels: &Labels, label: u32, px: &[(usize, usize)]) -> Region {
    let area = px.len() as f64;
    let (rc, cc) =
        (px.iter().map(|p| p.0 as f64).sum::<f64>() / area, px.iter().map(|p| p.1 as f64).sum::<f64>() / area);
    let (mut mu20, mut mu02, mut mu11) = (0.0, 0.0, 0.0);
    for &(r, c) in px {
        let (dr, dc) = (r as f64 - rc, c as f64 - cc);
        mu20 += dr * dr;
        mu02 += dc * dc;
        mu11 += dr * dc;
    }
    // inertia_tensor: [[mu02, -mu11], [-mu11, mu20]] / mu00
    let (a, b, c) = (mu02 / area, -mu11 / area, mu20 / area);
    let orientation = if a - c == 0.0 {
        if b < 0.0 { std::f64::consts::FRAC_PI_4 } else { -std::f64::consts::FRAC_PI_4 }
    } else {
        0.5 * (-2.0 * b).atan2(c - a)
    };
    // its eigenvalues, largest first, clipped at 0 (inertia_tensor_eigvals)
    let (mean, spread) = ((a + c) / 2.0, (((a - c) / 2.0).powi(2) + b * b).sqrt());
    let (l1, l2) = ((mean + spread).max(0.0), (mean - spread).max(0.0));
    let bbox = (
        px.iter().map(|p| p.0).min().unwrap_or(0),
        px.iter().map(|p| p.1).min().unwrap_or(0),
        px.iter().map(|p| p.0).max().map_or(0, |r| r + 1),
        px.iter().map(|p| p.1).max().map_or(0, |c| c + 1),
    );
    Region {
        label,
        area,
        bbox,
        centroid: (rc, cc),
        orientation,
        axis_major_length: 4.0 * l1.sqrt(),
        axis_minor_length: 4.0 * l2.sqrt(),
        eccentricity: if l1 == 0.0 { 0.0 } else { (1.0 - l2 / l1).sqrt() },
        perimeter: perimeter(labels, label, px),
    }
}

/// `measure.perimeter(region, neighborhood=4)`: the region's border pixels (those an erosion by
/// the 4-neighbour cross removes), each weighted by how its border neighbours lie: 1 along a
/// straight edge, √2 on a diagonal, (1 + √2)/2 at a corner.
fn perimeter(labels: &Labels, label: u32, px: &[(usize, usize)]) -> f64 {
    let (rows, cols) = (labels.rows as i64, labels.cols as i64);
    let inside =
        |r: i64, c: i64| r >= 0 && c >= 0 && r < rows && c < cols && labels.data[(r * cols + c) as usize] == label;
    let border = |r: i64, c: i64| {
        inside(r, c) && !(inside(r - 1, c) && inside(r + 1, c) && inside(r, c - 1) && inside(r, c + 1))
    };
    let mut total = 0.0;
    for &(r, c) in px {
        let (r, c) = (r as i64, c as i64);
        if !border(r, c) {
            continue;
        }
        let edges = [(-1, 0), (1, 0), (0, -1), (0, 1)].iter().filter(|(dr, dc)| border(r + dr, c + dc)).count();
        let corners = [(-1, -1), (-1, 1), (1, -1), (1, 1)].iter().filter(|(dr, dc)| border(r + dr, c + dc)).count();
        total += match 1 + 2 * edges + 10 * corners {
            5 | 7 | 15 | 17 | 25 | 27 => 1.0,
            21 | 33 => std::f64::consts::SQRT_2,
            13 | 23 => (1.0 + std::f64::consts::SQRT_2) / 2.0,
            _ => 0.0,
        };
    }
    total
}

/// `measure.find_contours(mask, 0.5)` of one label's mask: the iso-lines at 0.5 by marching
/// squares (`fully_connected="low"`), assembled into contours ordered as scikit-image orders
/// them (by where each contour's first segment was found, top to bottom, left to right). Each
/// point is (row, column).
///
/// `bbox` (a region's, from [`regionprops`]) limits the scan to the squares that can touch the
/// region; outside it every square is empty, so the contours are the same.
pub fn find_contours(labels: &Labels, label: u32, bbox: Option<(usize, usize, usize, usize)>) -> Vec<Vec<(f64, f64)>> {
    let (rows, cols) = (labels.rows, labels.cols);
    let high = |r: usize, c: usize| labels.data[r * cols + c] == label;
    let (r_lo, c_lo, r_hi, c_hi) = match bbox {
        Some((r0, c0, r1, c1)) => {
            (r0.saturating_sub(1), c0.saturating_sub(1), r1.min(rows.saturating_sub(1)), c1.min(cols.saturating_sub(1)))
        }
        None => (0, 0, rows.saturating_sub(1), cols.saturating_sub(1)),
    };
    let mut segments = Vec::new();
    for r0 in r_lo..r_hi {
        for c0 in c_lo..c_hi {
            let (r1, c1) = (r0 + 1, c0 + 1);
            let case = u8::from(high(r0, c0))
                | u8::from(high(r0, c1)) << 1
                | u8::from(high(r1, c0)) << 2
                | u8::from(high(r1, c1)) << 3;
            if case == 0 || case == 15 {
                continue;
            }
            // on a 0/1 mask the level 0.5 always lies halfway
            let (r0f, c0f) = (r0 as f64, c0 as f64);
            let top = (r0f, c0f + 0.5);
            let bottom = (r0f + 1.0, c0f + 0.5);
            let left = (r0f + 0.5, c0f);
            let right = (r0f + 0.5, c0f + 1.0);
            match case {
                1 => segments.push((top, left)),
                2 => segments.push((right, top)),
                3 => segments.push((right, left)),
                4 => segments.push((left, bottom)),
                5 => segments.push((top, bottom)),
                6 => {
                    segments.push((right, top));
                    segments.push((left, bottom));
                }
                7 => segments.push((right, bottom)),
                8 => segments.push((bottom, right)),
                9 => {
                    segments.push((top, left));
                    segments.push((bottom, right));
                }
                10 => segments.push((bottom, top)),
                11 => segments.push((bottom, left)),
                12 => segments.push((left, right)),
                13 => segments.push((top, right)),
                _ => segments.push((left, top)),
            }
        }
    }
    assemble(&segments)
}

type Point = (f64, f64);

/// `_assemble_contours`: chains segments end to start into contours.
fn assemble(segments: &[(Point, Point)]) -> Vec<Vec<Point>> {
    let key = |p: Point| (p.0.to_bits(), p.1.to_bits());
    let mut contours: HashMap<usize, VecDeque<Point>> = HashMap::new();
    let mut starts: HashMap<(u64, u64), usize> = HashMap::new();
    let mut ends: HashMap<(u64, u64), usize> = HashMap::new();
    let mut next = 0;
    for &(from, to) in segments {
        if from == to {
            continue;
        }
        let tail = starts.remove(&key(to));
        let head = ends.remove(&key(from));
        match (tail, head) {
            (Some(t), Some(h)) if t == h => {
                if let Some(c) = contours.get_mut(&h) {
                    c.push_back(to);
                }
            }
            (Some(t), Some(h)) => {
                if t > h {
                    // the tail was made second: append it to the head
                    let tail = contours.remove(&t).unwrap_or_default();
                    if let Some(head) = contours.get_mut(&h) {
                        head.extend(tail);
                        starts.insert(key(head[0]), h);
                        ends.insert(key(head[head.len() - 1]), h);
                    }
                } else {
                    // the head was made second: prepend it to the tail
                    let head = contours.remove(&h).unwrap_or_default();
                    if let Some(&first) = head.front() {
                        starts.remove(&key(first));
                    }
                    if let Some(tail) = contours.get_mut(&t) {
                        for p in head.into_iter().rev() {
                            tail.push_front(p);
                        }
                        starts.insert(key(tail[0]), t);
                        ends.insert(key(tail[tail.len() - 1]), t);
                    }
                }
            }
            (None, None) => {
                contours.insert(next, VecDeque::from([from, to]));
                starts.insert(key(from), next);
                ends.insert(key(to), next);
                next += 1;
            }
            (Some(t), None) => {
                if let Some(c) = contours.get_mut(&t) {
                    c.push_front(from);
                }
                starts.insert(key(from), t);
            }
            (None, Some(h)) => {
                if let Some(c) = contours.get_mut(&h) {
                    c.push_back(to);
                }
                ends.insert(key(to), h);
            }
        }
    }
    let mut ordered: Vec<(usize, VecDeque<Point>)> = contours.into_iter().collect();
    ordered.sort_by_key(|(i, _)| *i);
    ordered.into_iter().map(|(_, c)| c.into_iter().collect()).collect()
}

/// REGION_PROPERTIES' demo image (600 × 600): an ellipse rotated by 15° and a smaller one,
/// both 1, as the block draws it.
pub fn two_ellipses() -> (Vec<i64>, usize, usize) {
    let (rows, cols) = (600, 600);
    let mut img = vec![0i64; rows * cols];
    for (r, c) in ellipse(300.0, 350.0, 100.0, 220.0) {
        img[r as usize * cols + c as usize] = 1;
    }
    let mut img = rotate_nearest(&img, rows, cols, 15.0);
    for (r, c) in ellipse(100.0, 100.0, 60.0, 50.0) {
        img[r as usize * cols + c as usize] = 1;
    }
    (img, rows, cols)
}

/// `skimage.draw.ellipse(r, c, r_radius, c_radius)` (no rotation, no shape): the pixels strictly
/// inside the ellipse.
pub fn ellipse(r: f64, c: f64, r_radius: f64, c_radius: f64) -> Vec<(i64, i64)> {
    ellipse_within(r, c, r_radius, c_radius, None)
}

/// `skimage.draw.ellipse(r, c, r_radius, c_radius, shape=(rows, cols))`: the pixels strictly
/// inside the ellipse that lie in the image.
pub fn ellipse_in(r: f64, c: f64, r_radius: f64, c_radius: f64, rows: usize, cols: usize) -> Vec<(usize, usize)> {
    ellipse_within(r, c, r_radius, c_radius, Some((rows, cols)))
        .into_iter()
        .map(|(rr, cc)| (rr as usize, cc as usize))
        .collect()
}

fn ellipse_within(r: f64, c: f64, r_radius: f64, c_radius: f64, shape: Option<(usize, usize)>) -> Vec<(i64, i64)> {
    let (mut top, mut left) = ((r - r_radius).ceil() as i64, (c - c_radius).ceil() as i64);
    let (mut bottom, mut right) = ((r + r_radius).floor() as i64, (c + c_radius).floor() as i64);
    if let Some((rows, cols)) = shape {
        (top, left) = (top.max(0), left.max(0));
        (bottom, right) = (bottom.min(rows as i64 - 1), right.min(cols as i64 - 1));
    }
    let mut out = Vec::new();
    for rr in top..=bottom {
        for cc in left..=right {
            let (dr, dc) = ((rr - top) as f64 - (r - top as f64), (cc - left) as f64 - (c - left as f64));
            if (dr / r_radius).powi(2) + (dc / c_radius).powi(2) < 1.0 {
                out.push((rr, cc));
            }
        }
    }
    out
}

/// `skimage.transform.rotate(image, angle, order=0)` of an integer image: nearest neighbour
/// about the centre, the same size, 0 outside (scikit-image ≥ 0.22 keeps the integer type at
/// order 0).
pub fn rotate_nearest(image: &[i64], rows: usize, cols: usize, degrees: f64) -> Vec<i64> {
    let (cx, cy) = (cols as f64 / 2.0 - 0.5, rows as f64 / 2.0 - 0.5);
    let m = mat3(&translation(cx, cy), &mat3(&rotation(degrees.to_radians()), &translation(-cx, -cy)));
    let mut out = vec![0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            let (x, y) = (c as f64, r as f64);
            let sc = (m[0][0] * x + m[0][1] * y + m[0][2]).round();
            let sr = (m[1][0] * x + m[1][1] * y + m[1][2]).round();
            if sr >= 0.0 && sc >= 0.0 && sr < rows as f64 && sc < cols as f64 {
                out[r * cols + c] = image[sr as usize * cols + sc as usize];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// REGION_PROPERTIES' demo image, labelled; the figures below are scikit-image 0.26's for it.
    fn demo() -> Labels {
        let (img, rows, cols) = two_ellipses();
        label(&img, rows, cols)
    }

    #[test]
    fn the_demo_image_measures_as_scikit_image_measures_it() {
        let labels = demo();
        assert_eq!(labels.count, 2);
        let props = regionprops(&labels);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
        let small = &props[0];
        assert_eq!((small.area, small.bbox), (9393.0, (41, 51, 160, 150)));
        assert!(close(small.centroid.0, 100.0) && close(small.centroid.1, 100.0));
        assert!(close(small.axis_major_length, 119.80704882054418), "{small:?}");
        assert!(close(small.axis_minor_length, 99.82399501007846), "{small:?}");
        assert!(close(small.eccentricity, 0.552962170688308) && small.orientation == 0.0, "{small:?}");
        assert!(close(small.perimeter, 361.7056274847714), "{small:?}");
        let big = &props[1];
        assert_eq!((big.area, big.bbox), (REF_BIG.0, REF_BIG.1));
        for (got, want) in [
            (big.centroid.0, REF_BIG.2[0]),
            (big.centroid.1, REF_BIG.2[1]),
            (big.orientation, REF_BIG.2[2]),
            (big.axis_major_length, REF_BIG.2[3]),
            (big.axis_minor_length, REF_BIG.2[4]),
            (big.eccentricity, REF_BIG.2[5]),
            (big.perimeter, REF_BIG.2[6]),
        ] {
            assert!(close(got, want), "{got} vs {want}: {big:?}");
        }
        assert_eq!(find_contours(&labels, 1, None).iter().map(Vec::len).collect::<Vec<_>>(), [437]);
        let contour = &find_contours(&labels, 2, None)[0];
        // scanning only the region's box gives the same contour
        assert_eq!(&find_contours(&labels, 2, Some(big.bbox))[0], contour);
        assert_eq!(contour.len(), REF_BIG_CONTOUR.0);
        assert_eq!((contour[0], contour[contour.len() / 2]), (REF_BIG_CONTOUR.1, REF_BIG_CONTOUR.2));
    }

    #[test]
    fn convex_area_erosion_and_clipped_ellipses_match_scikit_image() {
        // regionprops(label(m)) of the L-shaped, diagonal and single-pixel regions below:
        // area_convex 12, 3, 1; weighted_centroid with intensity w = 1 + r + c·c/10
        let m = [
            [1, 1, 0, 0, 0, 0, 0],
            [1, 0, 0, 0, 2, 0, 0],
            [1, 0, 0, 0, 0, 2, 0],
            [1, 1, 1, 1, 0, 0, 2],
            [0, 0, 0, 0, 0, 0, 0],
            [0, 0, 3, 0, 0, 0, 0],
        ];
        let img: Vec<i64> = m.iter().flatten().copied().collect();
        let labels = label(&img, 6, 7);
        let px = region_pixels(&labels);
        assert_eq!(px.iter().map(|p| area_convex(p)).collect::<Vec<_>>(), [12, 3, 1]);
        // rng = np.random.default_rng(7); m = rng.random((14, 16)) < 0.3: twelve regions
        let text = "0001001000011000/0000110110000001/1101010110000010/0000100100000001/0101010000100001/\
                    1001000001100000/1011000000000000/1010010010000110/1000010000000000/0010001000000011/\
                    1001000000000110/0001000001111110/1010100000010100/0100100000100100/";
        let img: Vec<i64> = text.bytes().filter(|b| b.is_ascii_digit()).map(|b| i64::from(b - b'0')).collect();
        let areas: Vec<usize> = region_pixels(&label(&img, 14, 16)).iter().map(|p| area_convex(p)).collect();
        assert_eq!(areas, [35, 2, 6, 2, 7, 3, 4, 1, 2, 17, 24, 1]);
        let w: Vec<f64> = (0..42).map(|i| 1.0 + (i / 7) as f64 + ((i % 7) * (i % 7)) as f64 / 10.0).collect();
        let (r, c) = weighted_centroid(&px[0], &w, 7);
        assert!((r - 2.457_142_857_142_857_3).abs() < 1e-12 && (c - 1.171_428_571_428_571_5).abs() < 1e-12, "{r} {c}");
        // binary_erosion(ones((5, 6)) with a hole at (2, 3), disk(2))
        let mut mask = vec![true; 30];
        mask[2 * 6 + 3] = false;
        let eroded: Vec<u8> = binary_erosion_disk(&mask, 5, 6, 2).into_iter().map(u8::from).collect();
        assert_eq!(eroded, [1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1, 1]);
        // draw.ellipse(0.3, 4.2, 1.5, 1.5, shape=(3, 5))
        assert_eq!(ellipse_in(0.3, 4.2, 1.5, 1.5, 3, 5), [(0, 3), (0, 4), (1, 3), (1, 4)]);
        assert!(ellipse_in(-5.0, 2.0, 1.0, 1.0, 3, 5).is_empty());
    }

    // area, bbox, [centroid r, c, orientation, major, minor, eccentricity, perimeter]
    const REF_BIG: (f64, (usize, usize, usize, usize), [f64; 7]) = (
        69088.0,
        (175, 135, 400, 563),
        [
            286.914167438629,
            348.41299502084297,
            -1.308965877950772,
            440.0155029355616,
            199.91885009157374,
            0.8908258010053662,
            1162.3422791987302,
        ],
    );
    // points, the first, the middle one
    const REF_BIG_CONTOUR: (usize, (f64, f64), (f64, f64)) = (1405, (399.5, 275.0), (175.5, 424.0));
}
