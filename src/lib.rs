//! minesim: an agent-based simulator of the Bitcoin mining economy.
//!
//! See `ARCHITECTURE.md` for the module map and data flow.

pub mod batch;
pub mod calendar;
pub mod chart;
pub mod cli;
pub mod consensus;
pub mod engine;
pub mod market;
pub mod miners;
pub mod output;
pub mod report;
pub mod resources;
pub mod scenario;
pub mod stats;
pub mod sweep;
