//! A bound on the raw bytes a run holds at once, between the reader and the end of processing.
//!
//! The channels between the threads hold a fixed number of records, but records differ in size
//! by a factor of a thousand: a few multi-megabyte pages queued together would set the run's
//! peak memory, and a long run meets such coincidences more often than a short one. The reader
//! therefore takes a record's size from this budget before it sends the record on, and the
//! worker gives it back once it has processed the record (the raw bytes are freed then). A
//! record larger than the whole budget still passes when nothing else is in flight, so the
//! budget never stops a run.
//!
//! The budget does not cover the processed records on their way to the writer (they are
//! bounded by the worker batches and the output channel): charging them until they were written
//! made a worker wait for the writer whenever the budget was small (docs/PROFILE.md, Memory,
//! eighth round).

use std::sync::{Condvar, Mutex, PoisonError};

/// Raw bytes allowed in flight per worker thread (see [`InFlight::for_threads`]): about
/// fourteen WCXB pages of average size queued for each worker, enough to keep it busy. 16 MiB
/// let the reader's queue hold up to 25 MB of WCXB dev's largest neighbouring pages, and the
/// peak memory of a long run rose with it; 2 MiB saved no more memory than 4 and may have cost
/// the two-thread run about 2% (docs/PROFILE.md, Memory, eighth round).
pub const BYTES_PER_WORKER: u64 = 4 << 20;

/// The shared budget.
#[derive(Debug)]
pub struct InFlight {
    limit: u64,
    state: Mutex<State>,
    freed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    used: u64,
    /// Set when the consumer stopped: nobody waits any more.
    closed: bool,
    /// Producers waiting in [`InFlight::acquire`]: a release wakes nobody (no system call) when
    /// there are none, which is nearly always.
    waiting: usize,
}

impl InFlight {
    /// A budget of `limit` bytes (at least 1).
    pub fn new(limit: u64) -> Self {
        InFlight {
            limit: limit.max(1),
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
        }
    }

    /// The budget for a run with `threads` workers: [`BYTES_PER_WORKER`] each.
    pub fn for_threads(threads: usize) -> Self {
        Self::new(BYTES_PER_WORKER.saturating_mul(threads.max(1) as u64))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes `bytes` when they fit in the budget (or nothing else is in flight, or the budget
    /// was closed). When they do not fit at once, waits until they fit and at most half the
    /// budget is in use, so that a producer that had to wait resumes with room for several
    /// records rather than being woken for each one given back.
    pub fn acquire(&self, bytes: u64) {
        let mut state = self.lock();
        if !self.fits(&state, bytes) {
            state.waiting += 1;
            while !(self.fits(&state, bytes) && (state.closed || state.used <= self.limit / 2)) {
                state = self
                    .freed
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            state.waiting -= 1;
        }
        state.used = state.used.saturating_add(bytes);
    }

    /// Whether `bytes` may be taken now.
    fn fits(&self, state: &State, bytes: u64) -> bool {
        state.closed || state.used == 0 || state.used.saturating_add(bytes) <= self.limit
    }

    /// Takes `bytes` if they fit now (or nothing else is in flight, or the budget was closed);
    /// `false`, taking nothing, when [`InFlight::acquire`] would have to wait.
    pub fn try_acquire(&self, bytes: u64) -> bool {
        let mut state = self.lock();
        if !self.fits(&state, bytes) {
            return false;
        }
        state.used = state.used.saturating_add(bytes);
        true
    }

    /// Gives `bytes` back.
    pub fn release(&self, bytes: u64) {
        if bytes == 0 {
            return;
        }
        let mut state = self.lock();
        state.used = state.used.saturating_sub(bytes);
        // A waiting producer resumes only once half the budget is free (see `acquire`).
        let wake = state.waiting > 0 && state.used <= self.limit / 2;
        drop(state);
        if wake {
            self.freed.notify_all();
        }
    }

    /// Stops all waiting, for good: called when the consumer ends (also on failure), so that a
    /// producer never waits for bytes that will not come back.
    pub fn close(&self) {
        self.lock().closed = true;
        self.freed.notify_all();
    }

    /// Bytes in flight now.
    pub fn used(&self) -> u64 {
        self.lock().used
    }
}

/// Closes the budget when dropped: the consumer holds one for as long as it runs.
#[derive(Debug)]
pub struct CloseOnDrop<'a>(pub &'a InFlight);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    #[test]
    fn a_record_larger_than_the_budget_passes_alone() {
        let budget = InFlight::new(10);
        budget.acquire(1000);
        assert_eq!(budget.used(), 1000);
        budget.release(1000);
        assert_eq!(budget.used(), 0);
    }

    #[test]
    fn try_acquire_takes_only_what_fits_now() {
        let budget = InFlight::new(100);
        assert!(budget.try_acquire(60), "an empty budget takes anything");
        assert!(!budget.try_acquire(60), "took more than the budget");
        assert_eq!(budget.used(), 60, "a refused try took bytes");
        assert!(budget.try_acquire(40));
        budget.release(100);
        assert!(budget.try_acquire(1000), "a large record passes alone");
        budget.close();
        assert!(budget.try_acquire(1000), "a closed budget refuses nothing");
    }

    #[test]
    fn a_waiting_reader_resumes_once_half_the_budget_is_free() {
        let budget = Arc::new(InFlight::new(100));
        budget.acquire(60);
        budget.acquire(30);
        let resumed = Arc::new(AtomicU64::new(0));
        let waiter = {
            let budget = Arc::clone(&budget);
            let resumed = Arc::clone(&resumed);
            std::thread::spawn(move || {
                budget.acquire(20);
                resumed.store(1, Ordering::SeqCst);
            })
        };
        while budget.lock().waiting == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
        budget.release(20); // 70 in use: the 20 would fit, but more than half is in use.
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            resumed.load(Ordering::SeqCst),
            0,
            "resumed above half the budget"
        );
        budget.release(30); // 40 in use.
        waiter.join().unwrap();
        assert_eq!(resumed.load(Ordering::SeqCst), 1);
        assert_eq!(budget.used(), 60);
        // A record larger than half the budget resumes as soon as it fits.
        let budget = Arc::new(InFlight::new(100));
        budget.acquire(90);
        let waiter = {
            let budget = Arc::clone(&budget);
            std::thread::spawn(move || budget.acquire(80))
        };
        std::thread::sleep(Duration::from_millis(20));
        budget.release(75);
        waiter.join().unwrap();
        assert_eq!(budget.used(), 95);
    }

    #[test]
    fn closing_wakes_a_waiting_reader() {
        let budget = Arc::new(InFlight::new(10));
        budget.acquire(10);
        let waiter = {
            let budget = Arc::clone(&budget);
            std::thread::spawn(move || budget.acquire(10))
        };
        std::thread::sleep(Duration::from_millis(20));
        drop(CloseOnDrop(&budget));
        waiter.join().unwrap();
    }

    #[test]
    fn the_reader_waits_until_bytes_are_given_back() {
        let budget = Arc::new(InFlight::new(100));
        budget.acquire(60);
        let peak = Arc::new(AtomicU64::new(0));
        let waiter = {
            let budget = Arc::clone(&budget);
            let peak = Arc::clone(&peak);
            std::thread::spawn(move || {
                budget.acquire(60);
                peak.store(budget.used(), Ordering::SeqCst);
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(peak.load(Ordering::SeqCst), 0, "acquired past the budget");
        assert_eq!(budget.used(), 60);
        budget.release(60);
        waiter.join().unwrap();
        assert_eq!(peak.load(Ordering::SeqCst), 60);
    }
}
