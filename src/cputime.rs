//! CPU time of the calling thread and of the whole process, for the run's own accounting of
//! where time goes (`manifest.json`'s `timings`). Thread CPU time is not disturbed by other
//! programs on a busy machine the way wall-clock time is.

use std::time::{Duration, Instant};

#[cfg(unix)]
fn clock(id: libc::clockid_t) -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; clock_gettime only writes into it.
    let rc = unsafe { libc::clock_gettime(id, &mut ts) };
    if rc != 0 {
        return None;
    }
    let secs = u64::try_from(ts.tv_sec).ok()?;
    let nanos = u32::try_from(ts.tv_nsec).ok()?;
    Some(Duration::new(secs, nanos))
}

/// CPU time consumed so far by the calling thread (`None` where the clock is unavailable).
pub fn thread_cpu() -> Option<Duration> {
    #[cfg(unix)]
    return clock(libc::CLOCK_THREAD_CPUTIME_ID);
    #[cfg(not(unix))]
    return None;
}

/// CPU time consumed so far by the whole process, all threads together.
pub fn process_cpu() -> Option<Duration> {
    #[cfg(unix)]
    return clock(libc::CLOCK_PROCESS_CPUTIME_ID);
    #[cfg(not(unix))]
    return None;
}

/// Measures one step on the current thread: its CPU time where the platform gives it,
/// otherwise its wall-clock time.
#[derive(Debug, Clone, Copy)]
pub struct StepClock {
    cpu: Option<Duration>,
    wall: Instant,
}

impl StepClock {
    /// Starts measuring.
    pub fn start() -> Self {
        StepClock {
            cpu: thread_cpu(),
            wall: Instant::now(),
        }
    }

    /// Time since [`StepClock::start`].
    pub fn elapsed(&self) -> Duration {
        match (self.cpu, thread_cpu()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => self.wall.elapsed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_cpu_grows_with_work_and_not_with_sleep() {
        let clock = StepClock::start();
        std::thread::sleep(Duration::from_millis(50));
        let slept = clock.elapsed();
        assert!(
            slept < Duration::from_millis(25),
            "sleeping counted {slept:?}"
        );
        // Busy work until 10 ms of wall time have passed (however loaded the machine is, the
        // thread then used some CPU), then until the process clock shows at least that much.
        let clock = StepClock::start();
        let mut x = 0u64;
        let t = Instant::now();
        while t.elapsed() < Duration::from_millis(10)
            || process_cpu().is_some_and(|p| p < Duration::from_millis(10))
        {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        assert!(clock.elapsed() > Duration::ZERO);
        assert!(process_cpu().is_some_and(|p| p >= Duration::from_millis(10)));
    }
}
