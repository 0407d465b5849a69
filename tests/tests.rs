//! The integration tests: one binary, one module per area (as in
//! ripgrep's `tests/tests.rs`), so the crate is linked once.

mod common;

mod asic_market;
mod batch;
mod blocks;
mod charts;
mod consensus;
mod cw144;
mod engine_run;
mod extremes;
mod fuzz_corpus;
mod hash_supply;
mod headline;
mod market;
mod memory_limits;
mod miners;
mod properties;
mod regions;
mod report;
mod report_html;
mod robust;
mod scenario_errors;
mod sensitivity;
mod set_overrides;
mod shipped_scenarios;
mod uncertainty;
