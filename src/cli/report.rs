//! `minesim report DIR`: rebuild the charts and `report.html` of an output
//! folder from its files.

use super::Error;
use std::path::Path;

pub fn report(dir: &Path) -> Result<(), Error> {
    let files = minesim::report::build_report(dir)?;
    println!(
        "report: {} ({} files)",
        dir.join("report.html").display(),
        files.len()
    );
    Ok(())
}
