//! minesim: an agent-based simulator of the Bitcoin mining economy.
//!
//! See `ARCHITECTURE.md` for the module map and data flow. The modules
//! form layers that import downward only:
//!
//! - bottom: [`validate`], [`calendar`], [`stats`], [`atomic`],
//!   [`sensitivity`];
//! - core: [`consensus`], [`market`], [`miners`], [`engine`] (no files
//!   but the data loaders, no terminal, no threads);
//! - schema: [`scenario`];
//! - around the core: [`sweep`], [`batch`], [`resources`], [`output`],
//!   [`chart`], [`report`], and [`plan`], the library's entry point for a
//!   whole `run` or `merge`.
//!
//! The command line lives in the binary (`src/main.rs`, `src/cli/`); the
//! library prints nothing and never exits.

pub mod atomic;
pub mod batch;
pub mod calendar;
pub mod chart;
pub mod consensus;
pub mod engine;
pub mod market;
pub mod miners;
pub mod output;
pub mod plan;
pub mod report;
pub mod resources;
pub mod scenario;
pub mod sensitivity;
pub mod stats;
pub mod sweep;
pub mod validate;
