//! SplitMix64, the crate's one pseudo-random generator: small, fast, and
//! fixed forever (unlike a crate's default RNG), so that seeded runs (the
//! demo territory, the plans' iterated local search) give the same answer
//! on every machine and version.

/// SplitMix64 (Steele, Lea & Flood 2014), from a seed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    #[cfg_attr(not(feature = "demo"), allow(dead_code))]
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in [lo, hi).
    #[cfg_attr(not(feature = "demo"), allow(dead_code))]
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// A whole number in [lo, hi].
    #[cfg_attr(not(feature = "demo"), allow(dead_code))]
    pub(crate) fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// An index in [0, n), or `None` when `n` is 0.
    pub(crate) fn below(&mut self, n: usize) -> Option<usize> {
        (n > 0).then(|| (self.next_u64() % n as u64) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_values() {
        // The first outputs of SplitMix64 from seed 0 (Vigna's reference
        // implementation, splitmix64.c).
        let mut r = Rng(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.below(0), None);
        assert!(r.below(7).is_some_and(|i| i < 7));
    }
}
