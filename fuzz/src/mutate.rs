//! Byte-level mutations of a file, driven by the input.

use arbitrary::Unstructured;

/// Applies one random mutation to `bytes[range]` (the whole file when
/// `range` is `None`): flip a bit, set a byte, insert, delete, duplicate
/// or truncate. Insertions, deletions and truncation change the length.
pub fn mutate(bytes: &mut Vec<u8>, u: &mut Unstructured<'_>, range: Option<(usize, usize)>) {
    let (lo, hi) = range.unwrap_or((0, bytes.len()));
    if lo >= hi {
        return;
    }
    let at = u.int_in_range(lo..=hi - 1).unwrap_or(lo);
    match u.int_in_range(0..=6u8).unwrap_or(0) {
        0 | 1 => bytes[at] ^= 1 << u.int_in_range(0..=7u8).unwrap_or(0),
        2 => bytes[at] = u.arbitrary().unwrap_or(0xff),
        3 => {
            // Interesting values for lengths and counts (LEB128 bytes).
            let v = [0x00, 0x7f, 0x80, 0xff, 0x01, 0x40][u.int_in_range(0..=5usize).unwrap_or(0)];
            bytes[at] = v;
        }
        4 => {
            let n = u.int_in_range(1..=16usize).unwrap_or(1);
            let mut ins = vec![0u8; n];
            for b in ins.iter_mut() {
                *b = u.arbitrary().unwrap_or(0);
            }
            bytes.splice(at..at, ins);
        }
        5 => {
            let n = u.int_in_range(1..=16usize).unwrap_or(1).min(hi - at);
            bytes.drain(at..at + n);
        }
        _ => {
            if range.is_none() {
                bytes.truncate(at);
            } else {
                let n = u.int_in_range(1..=8usize).unwrap_or(1).min(hi - at);
                let copy = bytes[at..at + n].to_vec();
                bytes.splice(at..at, copy);
            }
        }
    }
}
