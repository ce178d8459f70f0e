//! `scipy.signal.find_peaks` with scalar conditions, and the prominences and widths it needs.

use crate::error::NodeError;
use crate::numeric::python::float_repr;

pub struct PeakConditions {
    pub height: Option<f64>,
    pub threshold: Option<f64>,
    pub distance: Option<f64>,
    pub prominence: Option<f64>,
    pub width: Option<f64>,
    pub wlen: Option<i64>,
    pub rel_height: Option<f64>,
    pub plateau_size: Option<f64>,
}

/// `scipy.signal.find_peaks(x, …)` with scalar lower bounds: the indices of the peaks kept.
pub fn find_peaks(x: &[f64], c: &PeakConditions) -> Result<Vec<usize>, NodeError> {
    if let Some(d) = c.distance
        && d < 1.0
    {
        return Err(NodeError::new(format!("`distance` must be greater or equal to 1 (got {})", float_repr(d))));
    }
    // _local_maxima_1d: the middle of each flat or sharp maximum
    let mut peaks: Vec<usize> = Vec::new();
    let mut plateau: Vec<usize> = Vec::new();
    let n = x.len();
    let mut i = 1;
    while i + 1 < n {
        if x[i - 1] < x[i] {
            let mut ahead = i + 1;
            while ahead < n - 1 && x[ahead] == x[i] {
                ahead += 1;
            }
            if x[ahead] < x[i] {
                let (left, right) = (i, ahead - 1);
                peaks.push((left + right) / 2);
                plateau.push(right - left + 1);
                i = ahead;
            }
        }
        i += 1;
    }
    let keep = |peaks: &mut Vec<usize>, mask: &[bool]| {
        let mut it = mask.iter();
        peaks.retain(|_| it.next().copied().unwrap_or(false));
    };
    if let Some(pmin) = c.plateau_size {
        let mask: Vec<bool> = plateau.iter().map(|&s| pmin <= s as f64).collect();
        keep(&mut peaks, &mask);
    }
    if let Some(hmin) = c.height {
        let mask: Vec<bool> = peaks.iter().map(|&p| hmin <= x[p]).collect();
        keep(&mut peaks, &mask);
    }
    if let Some(tmin) = c.threshold {
        let mask: Vec<bool> = peaks
            .iter()
            .map(|&p| {
                let (l, r) = (x[p] - x[p - 1], x[p] - x[p + 1]);
                // np.min propagates NaN (f64::min would drop it)
                tmin <= if l.is_nan() || r.is_nan() { f64::NAN } else { l.min(r) }
            })
            .collect();
        keep(&mut peaks, &mask);
    }
    if let Some(d) = c.distance {
        let distance = d.ceil();
        let np = peaks.len();
        let mut mask = vec![true; np];
        // np.argsort of the heights; a stable sort (numpy's sort agrees unless heights tie)
        let mut by_height: Vec<usize> = (0..np).collect();
        by_height.sort_by(|&a, &b| x[peaks[a]].total_cmp(&x[peaks[b]]));
        for &j in by_height.iter().rev() {
            if !mask[j] {
                continue;
            }
            let mut k = j;
            while k > 0 && ((peaks[j] - peaks[k - 1]) as f64) < distance {
                mask[k - 1] = false;
                k -= 1;
            }
            let mut k = j + 1;
            while k < np && ((peaks[k] - peaks[j]) as f64) < distance {
                mask[k] = false;
                k += 1;
            }
        }
        keep(&mut peaks, &mask);
    }
    if c.prominence.is_some() || c.width.is_some() {
        let wlen = match c.wlen {
            None => -1,
            Some(w) if w > 1 => w,
            Some(w) => return Err(NodeError::new(format!("`wlen` must be larger than 1, was {w}"))),
        };
        let mut prom: Vec<(f64, usize, usize)> = peaks.iter().map(|&p| prominence(x, p, wlen)).collect();
        if let Some(pmin) = c.prominence {
            let mask: Vec<bool> = prom.iter().map(|(v, _, _)| pmin <= *v).collect();
            keep(&mut peaks, &mask);
            let mut it = mask.iter();
            prom.retain(|_| it.next().copied().unwrap_or(false));
        }
        if let Some(wmin) = c.width {
            let rel = c.rel_height.ok_or_else(|| {
                NodeError::new(
                    "must be real number, not NoneType: parameter 'rel_height' is empty but 'width' is set \
                     (Flojoy passes an empty rel_height to scipy as None; set it, e.g. to 0.5)",
                )
            })?;
            if rel < 0.0 {
                return Err(NodeError::new("`rel_height` must be greater or equal to 0.0"));
            }
            let mask: Vec<bool> = peaks.iter().zip(&prom).map(|(&p, pr)| wmin <= peak_width(x, p, rel, *pr)).collect();
            keep(&mut peaks, &mask);
        }
    }
    Ok(peaks)
}

/// scipy's `_peak_prominences` for one peak: (prominence, left base, right base).
pub fn prominence(x: &[f64], peak: usize, wlen: i64) -> (f64, usize, usize) {
    let mut i_min = 0usize;
    let mut i_max = x.len() - 1;
    if wlen >= 2 {
        let half = usize::try_from(wlen / 2).unwrap_or(usize::MAX);
        i_min = peak.saturating_sub(half).max(i_min);
        i_max = peak.saturating_add(half).min(i_max);
    }
    let mut left_base = peak;
    let mut left_min = x[peak];
    let mut i = peak as isize;
    while i >= i_min as isize && x[i as usize] <= x[peak] {
        if x[i as usize] < left_min {
            left_min = x[i as usize];
            left_base = i as usize;
        }
        i -= 1;
    }
    let mut right_base = peak;
    let mut right_min = x[peak];
    let mut i = peak;
    while i <= i_max && x[i] <= x[peak] {
        if x[i] < right_min {
            right_min = x[i];
            right_base = i;
        }
        i += 1;
    }
    (x[peak] - left_min.max(right_min), left_base, right_base)
}

/// scipy's `_peak_widths` for one peak.
fn peak_width(x: &[f64], peak: usize, rel_height: f64, (prom, left_base, right_base): (f64, usize, usize)) -> f64 {
    let height = x[peak] - prom * rel_height;
    let mut i = peak;
    while left_base < i && height < x[i] {
        i -= 1;
    }
    let mut left_ip = i as f64;
    if x[i] < height {
        left_ip += (height - x[i]) / (x[i + 1] - x[i]);
    }
    let mut i = peak;
    while i < right_base && height < x[i] {
        i += 1;
    }
    let mut right_ip = i as f64;
    if x[i] < height {
        right_ip -= (height - x[i]) / (x[i - 1] - x[i]);
    }
    right_ip - left_ip
}
