//! A small deterministic generator (SplitMix64): the same seed and case
//! number always give the same input bytes, so any case can be replayed.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// The input of case `index` of a run seeded with `seed`: between 256 bytes
/// and 32 KiB of random bytes, mostly a few KiB (small inputs make small,
/// quick modules; long ones reach deeper).
pub fn case_input(seed: u64, index: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed ^ index.wrapping_mul(0xd1b5_4a32_d192_ed03));
    let len = match rng.below(4) {
        0 => 256 + rng.below(1024),
        1 | 2 => 1024 + rng.below(4096),
        _ => 5120 + rng.below(27 * 1024),
    } as usize;
    let mut bytes = vec![0; len];
    rng.fill(&mut bytes);
    bytes
}
