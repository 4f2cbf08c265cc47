//! Opt-in phase timings on stderr (`QINQING_TIMINGS=1`), for benchmarks.

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<&'static Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    START.get_or_init(|| std::env::var_os("QINQING_TIMINGS").map(|_| Instant::now())).as_ref()
}

/// Prints the time since the process started this phase's clock, if enabled.
pub(crate) fn mark(phase: &str) {
    if let Some(t) = start() {
        eprintln!("[timing] {:>8.3} s  {phase}", t.elapsed().as_secs_f64());
    }
}
