//! Scenario files: the TOML schema of a run, loading and validation.

pub mod validate;
