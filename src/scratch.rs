//! How much of its reusable buffers a worker thread keeps from one document to the next.
//!
//! The stages keep per-thread buffers (the HTML parser's node list, the entity model's
//! per-sentence and per-document vectors) so that most documents allocate nothing. A buffer
//! grows to the largest input it has met; kept at that size, it would hold the memory of the
//! largest page or sentence a thread has ever seen for the rest of the run. Which worker meets
//! which large page is a matter of timing, so a longer run leaves every worker holding the
//! largest one. Buffers above [`KEEP_BYTES`] are therefore freed once the document is done,
//! and a worker's long-lived memory no longer depends on which pages it was given (a run's
//! peak still grows with its length for other reasons: docs/PROFILE.md, Memory, eighteenth
//! round).

/// Buffers larger than this many bytes are freed rather than kept for the next document.
///
/// 1 MiB holds the buffers of most pages (a 300 KB page has about 4,000 nodes, 290 KB of them;
/// a sentence of 2,000 tokens needs about 600 KB of feature sums). 4 MiB measured about 2% less
/// CPU in the `clean` step on WCXB dev but a higher peak when the corpus was fed ten times
/// (docs/PROFILE.md, fifth round).
pub const KEEP_BYTES: usize = 1 << 20;

/// A reusable buffer whose allocation can be measured, and freed when it is large.
pub trait Buffer {
    /// The bytes its allocation holds.
    fn capacity_bytes(&self) -> usize;

    /// Frees the allocation when it holds more than [`KEEP_BYTES`]; otherwise leaves the
    /// buffer as it is.
    fn release_if_large(&mut self) {
        if self.capacity_bytes() > KEEP_BYTES {
            self.free();
        }
    }

    /// Replaces the buffer by an empty one without an allocation.
    fn free(&mut self);
}

impl<T> Buffer for Vec<T> {
    fn capacity_bytes(&self) -> usize {
        self.capacity().saturating_mul(std::mem::size_of::<T>())
    }

    fn free(&mut self) {
        *self = Vec::new();
    }
}

impl Buffer for String {
    fn capacity_bytes(&self) -> usize {
        self.capacity()
    }

    fn free(&mut self) {
        *self = String::new();
    }
}

/// Frees every buffer of `buffers` that holds more than [`KEEP_BYTES`].
pub fn release_large(buffers: &mut [&mut dyn Buffer]) {
    for buffer in buffers {
        buffer.release_if_large();
    }
}

/// The largest allocation among `buffers`, in bytes.
pub fn largest(buffers: &[&mut dyn Buffer]) -> usize {
    buffers
        .iter()
        .map(|b| b.capacity_bytes())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_buffers_are_freed_and_small_ones_kept() {
        let mut small: Vec<u64> = Vec::with_capacity(KEEP_BYTES / 8);
        small.push(1);
        small.release_if_large();
        assert_eq!(small, [1], "a buffer of exactly KEEP_BYTES is kept");
        assert!(small.capacity() >= KEEP_BYTES / 8);

        let mut large: Vec<u64> = Vec::with_capacity(KEEP_BYTES / 8 + 1);
        large.push(1);
        large.release_if_large();
        assert_eq!(large.capacity(), 0);

        let mut text = String::with_capacity(KEEP_BYTES + 1);
        let mut short = String::with_capacity(16);
        short.push('x');
        assert_eq!(largest(&[&mut text, &mut short]), KEEP_BYTES + 1);
        release_large(&mut [&mut text, &mut short]);
        assert_eq!((text.capacity(), short.as_str()), (0, "x"));
    }
}
