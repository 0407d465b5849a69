//! Every shipped scenario (`scenarios/*.toml`) is valid, with its sweep
//! points, and prepares (its data files load) when the data is present.
//! Scenarios that replay `../shared/data` are skipped with a message when
//! that folder is absent.

use minesim::scenario::load_scenario;
use minesim::sweep;
use std::path::Path;

#[test]
fn every_shipped_scenario_is_valid_and_prepares() {
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .expect("scenarios/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "only {} scenarios", files.len());
    let shared = Path::new("../shared/data").is_dir();
    let mut prepared = 0;
    for f in &files {
        let sc = load_scenario(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let text = std::fs::read_to_string(f).unwrap();
        if let Some(x) =
            sweep::expand(&text, f, &sc).unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        {
            assert!(!x.scenarios.is_empty(), "{}: no sweep points", f.display());
        }
        if text.contains("shared/data") && !shared {
            eprintln!(
                "skipped preparing {}: ../shared/data is absent",
                f.display()
            );
            continue;
        }
        sc.prepare(f.parent().unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        prepared += 1;
    }
    eprintln!("{prepared} of {} shipped scenarios prepared", files.len());
    assert!(prepared >= 25);
}
