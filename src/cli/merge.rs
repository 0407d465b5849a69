//! `minesim merge --out DIR PARTIAL...`: combine shard results.

use super::run::print_headline;
use super::Error;
use std::path::{Path, PathBuf};

pub fn merge(
    out: &Path,
    partials: &[PathBuf],
    scenario: Option<&Path>,
    quiet: bool,
) -> Result<(), Error> {
    let merged = minesim::plan::merge(partials, scenario, out)?;
    if !quiet {
        print_headline(&merged.plan, &merged.written, out);
    }
    println!(
        "outputs: {} ({} files, merged from {} shards)",
        out.display(),
        merged.files.len(),
        merged.shards
    );
    Ok(())
}
