//! minesim: an agent-based simulator of the Bitcoin mining economy.
//!
//! See `ARCHITECTURE.md` for the module map and data flow.

pub mod calendar;
pub mod miners;
pub mod scenario;
