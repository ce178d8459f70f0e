//! Random numbers: the generator a node draws from (seeded, or fresh per node), and numpy's
//! legacy generator (`np.random.seed` / `randn`) for the data sets Flojoy draws with a fixed
//! seed.

use rand::SeedableRng;
use rand::rngs::StdRng;

/// A generator seeded with `seed` when there is one, else with `fresh()` (the host's entropy)
/// mixed with `key` (the node's id, so two unseeded nodes in one run draw different numbers).
pub fn seeded(seed: Option<f64>, fresh: impl FnOnce() -> u64, key: &str) -> StdRng {
    match seed {
        Some(s) => StdRng::seed_from_u64(s as u64),
        None => StdRng::seed_from_u64(fresh() ^ fnv1a(key)),
    }
}

/// FNV-1a, 64 bits.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// numpy's legacy `RandomState` generator: MT19937 seeded by `init_genrand`, doubles from two
/// 32-bit words, and the polar Box–Muller `gauss` that keeps its second value for the next call.
pub struct LegacyMt {
    key: [u32; 624],
    pos: usize,
    gauss: Option<f64>,
}

impl LegacyMt {
    /// `np.random.seed(seed)` for a seed in 0..2³².
    pub fn new(seed: u32) -> LegacyMt {
        let mut key = [0u32; 624];
        let mut s = seed;
        for (i, k) in key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32.wrapping_mul(s ^ (s >> 30)).wrapping_add(i as u32 + 1);
        }
        LegacyMt { key, pos: 624, gauss: None }
    }

    fn next_u32(&mut self) -> u32 {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        if self.pos == 624 {
            for i in 0..624 {
                let y = (self.key[i] & UPPER) | (self.key[(i + 1) % 624] & LOWER);
                let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
                self.key[i] = self.key[(i + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.pos = 0;
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// `random_sample()`: 53 random bits in [0, 1).
    pub fn double(&mut self) -> f64 {
        let a = f64::from(self.next_u32() >> 5);
        let b = f64::from(self.next_u32() >> 6);
        (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `standard_normal()` / `randn()` (legacy_gauss).
    pub fn gauss(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        loop {
            let x1 = 2.0 * self.double() - 1.0;
            let x2 = 2.0 * self.double() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_randn_matches_numpy_seed_42() {
        // np.random.seed(42); np.random.randn(3) = [0.49671415, -0.1382643, 0.64768854]
        let mut mt = LegacyMt::new(42);
        let v: Vec<f64> = (0..201).map(|_| mt.gauss()).collect();
        assert!((v[0] - 0.496_714_153_011_232_7).abs() < 1e-15, "{}", v[0]);
        assert!((v[1] + 0.138_264_301_171_184_66).abs() < 1e-15, "{}", v[1]);
        assert!((v[2] - 0.647_688_538_100_692_5).abs() < 1e-15, "{}", v[2]);
        assert!((v.iter().sum::<f64>() + 7.796_406).abs() < 1e-6);
    }
}
