//! The one place that reads and writes guest memory for WASI: every
//! pointer and length is bounds-checked (EFAULT) and, for records,
//! alignment-checked (EINVAL) before it is used.

use super::errno::{Errno, WasiResult};

/// A guest's linear memory during one WASI call.
pub struct GuestMem<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMem<'a> {
    pub fn new(bytes: &'a mut [u8]) -> GuestMem<'a> {
        GuestMem { bytes }
    }

    fn range(&self, ptr: u32, len: u32) -> WasiResult<std::ops::Range<usize>> {
        let start = ptr as usize;
        let end = start.checked_add(len as usize).ok_or(Errno::FAULT)?;
        if end > self.bytes.len() {
            return Err(Errno::FAULT);
        }
        Ok(start..end)
    }

    fn aligned(ptr: u32, align: u32) -> WasiResult<()> {
        if !ptr.is_multiple_of(align) {
            Err(Errno::INVAL)
        } else {
            Ok(())
        }
    }

    /// `len` bytes at `ptr`.
    pub fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let r = self.range(ptr, len)?;
        Ok(&self.bytes[r])
    }

    /// `len` writable bytes at `ptr`.
    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let r = self.range(ptr, len)?;
        Ok(&mut self.bytes[r])
    }

    /// A UTF-8 string of `len` bytes at `ptr` (EILSEQ when not UTF-8).
    pub fn str(&self, ptr: u32, len: u32) -> WasiResult<&str> {
        std::str::from_utf8(self.slice(ptr, len)?).map_err(|_| Errno::ILSEQ)
    }

    pub fn read_u8(&self, ptr: u32) -> WasiResult<u8> {
        Ok(self.slice(ptr, 1)?[0])
    }
    pub fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        Self::aligned(ptr, 2)?;
        Ok(u16::from_le_bytes(
            self.slice(ptr, 2)?.try_into().expect("2 bytes"),
        ))
    }
    pub fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        Self::aligned(ptr, 4)?;
        Ok(u32::from_le_bytes(
            self.slice(ptr, 4)?.try_into().expect("4 bytes"),
        ))
    }
    pub fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        Self::aligned(ptr, 8)?;
        Ok(u64::from_le_bytes(
            self.slice(ptr, 8)?.try_into().expect("8 bytes"),
        ))
    }
    pub fn write_u8(&mut self, ptr: u32, v: u8) -> WasiResult<()> {
        self.slice_mut(ptr, 1)?[0] = v;
        Ok(())
    }
    pub fn write_u16(&mut self, ptr: u32, v: u16) -> WasiResult<()> {
        Self::aligned(ptr, 2)?;
        self.slice_mut(ptr, 2)?.copy_from_slice(&v.to_le_bytes());
        Ok(())
    }
    pub fn write_u32(&mut self, ptr: u32, v: u32) -> WasiResult<()> {
        Self::aligned(ptr, 4)?;
        self.slice_mut(ptr, 4)?.copy_from_slice(&v.to_le_bytes());
        Ok(())
    }
    pub fn write_u64(&mut self, ptr: u32, v: u64) -> WasiResult<()> {
        Self::aligned(ptr, 8)?;
        self.slice_mut(ptr, 8)?.copy_from_slice(&v.to_le_bytes());
        Ok(())
    }
    /// Checks that a record of `size` bytes with alignment `align` fits at `ptr`.
    pub fn check_record(&self, ptr: u32, size: u32, align: u32) -> WasiResult<()> {
        Self::aligned(ptr, align)?;
        self.range(ptr, size).map(|_| ())
    }

    /// Reads an iovec array of `count` (buf, len) pairs. Every entry is
    /// checked (EFAULT when one lies outside memory), but only what one
    /// call transfers is returned: the non-empty entries among the first
    /// [`MAX_IOVS`], cut off once they add up to [`MAX_IO_BYTES`]. A guest
    /// that asks for more gets a short transfer, as POSIX allows, so the
    /// host never holds more than a fixed number of entries however many
    /// (or however overlapping) iovecs the guest passes.
    pub fn iovecs(&self, ptr: u32, count: u32) -> WasiResult<Vec<(u32, u32)>> {
        let size = count.checked_mul(8).ok_or(Errno::FAULT)?;
        self.check_record(ptr, size, 4)?;
        let mut v = Vec::new();
        let mut total = 0usize;
        for i in 0..count {
            let buf = self.read_u32(ptr + i * 8)?;
            let len = self.read_u32(ptr + i * 8 + 4)?;
            self.range(buf, len)?;
            if (i as usize) < MAX_IOVS && len > 0 && total < MAX_IO_BYTES {
                let len = len.min((MAX_IO_BYTES - total) as u32);
                total += len as usize;
                v.push((buf, len));
            }
        }
        Ok(v)
    }

    /// The address of guest byte `ptr`, for handing iovecs (already
    /// checked by [`GuestMem::iovecs`]) to the kernel without copying.
    pub fn host_ptr(&mut self, ptr: u32) -> *mut u8 {
        self.bytes.as_mut_ptr().wrapping_add(ptr as usize)
    }
}

/// Most iovecs one read or write transfers (Linux's `IOV_MAX`).
pub const MAX_IOVS: usize = 1024;
/// Most bytes one read or write transfers (Linux's `MAX_RW_COUNT`); the
/// count always fits the 32-bit result.
pub const MAX_IO_BYTES: usize = 0x7fff_f000;
