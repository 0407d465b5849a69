//! The benches package has no library code; see `engine.rs`.
