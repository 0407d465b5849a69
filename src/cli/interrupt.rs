//! Ctrl-C: the first asks the batch to stop after the chunk in flight (it
//! saves a checkpoint and exits with 130); the second exits at once.
//! Through the `ctrlc` crate, so it works on every platform.

use std::sync::atomic::{AtomicBool, Ordering};

/// Raised by Ctrl-C; the batch checks it between chunks.
pub static STOP: AtomicBool = AtomicBool::new(false);

/// Installs the handler. If it cannot be installed, Ctrl-C keeps its
/// default meaning (the process ends at once, without a checkpoint).
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
}
