//! Finite power regions end to end: a scenario with a supply-curve group,
//! run by the engine and written as `regions.csv`.

use crate::common::{run_checked, tempdir};
use minesim::output::{write_fleet_csv, write_regions_csv};

/// 10 EH/s at the start (about 0.2-0.3 GW at the initial fleet's J/TH),
/// half of it in a hydro region of 200 + 300 MW on interruptible power,
/// half on unlimited grid power; free entry through the clearing market,
/// one year of daily steps at a constant price.
const SCENARIO: &str = r#"
name = "regions"
seed = 3
runs = 1
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 1
[price]
model = "constant"
price_usd = 88684
[fees]
model = "usd_per_tx"
usd_per_tx = 1.5
tx_per_block = 3500
[miners]
initial_hashrate_eh_s = 10
free_entry = true
entry_agent_capital_usd = 2.0e6
max_agents = 5000
hardware_market = { model = "clearing", capacity_mw_per_month = 300, manufacturing_cost_usd_per_watt = 0.5 }
[[miners.groups]]
name = "hydro"
share = 0.5
agents = 50
electricity = { distribution = "supply_curve", tiers = [ { mw = 200, usd_per_kwh = 0.02 }, { mw = 300, usd_per_kwh = 0.04 } ] }
curtailment = { share_of_time_off = 0.1, price_discount = 0.25 }
[[miners.groups]]
name = "grid"
share = 0.5
agents = 50
electricity = { distribution = "lognormal", median_usd_per_kwh = 0.05, sigma = 0.3 }
"#;

#[test]
fn regions_csv_keeps_every_region_within_its_curve() {
    let run = run_checked(SCENARIO);
    assert_eq!(run.region_names, ["hydro"]);
    assert_eq!(run.regions.len(), run.records.len());
    let dir = tempdir().unwrap();
    let path = dir.path().join("regions.csv");
    let runs = [(0, run)];
    write_regions_csv(&path, &runs).unwrap();
    let run = &runs[0].1;
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "run,step,date,region,capacity_mw,sites_mw,load_mw,operating_mw,curtailable_mw,marginal_price_usd_per_kwh"
    );
    // Without the `run` column (all 0).
    let rows: Vec<Vec<String>> = lines
        .map(|l| {
            let cells: Vec<String> = l.split(',').map(str::to_string).collect();
            assert_eq!(cells[0], "0");
            cells[1..].to_vec()
        })
        .collect();
    assert_eq!(rows.len(), run.records.len());
    let num = |s: &str| s.parse::<f64>().unwrap();
    let (mut first_sites, mut last_sites) = (None, 0.0);
    for r in &rows {
        assert_eq!(r[2], "hydro");
        let (cap, sites, load, op, curt) =
            (num(&r[3]), num(&r[4]), num(&r[5]), num(&r[6]), num(&r[7]));
        assert_eq!(cap, 500.0);
        assert!(sites <= cap * (1.0 + 1e-9), "{r:?}");
        assert!(load <= sites * (1.0 + 1e-9), "{r:?}");
        // Running power is at most the installed load, less the 10 %
        // downtime of interruptible power.
        assert!(op <= load * 0.9 * (1.0 + 1e-9), "{r:?}");
        assert_eq!(curt, op, "interruptible power: all of it curtailable");
        if !r[8].is_empty() {
            // Tier prices after the 25 % discount.
            let p = num(&r[8]);
            assert!(p == 0.015 || p == 0.03, "{r:?}");
        }
        first_sites.get_or_insert(sites);
        last_sites = sites;
    }
    // Entry took more of the curve than the initial fleet did.
    assert!(
        last_sites > first_sites.unwrap() * 1.2,
        "{first_sites:?} -> {last_sites}"
    );
}

#[test]
fn fleet_csv_is_long_and_adds_up_to_the_steps() {
    let run = run_checked(SCENARIO);
    let dir = tempdir().unwrap();
    let path = dir.path().join("fleet.csv");
    // Two kept runs (the same run twice, as runs 0 and 4).
    let runs = [(0, run.clone()), (4, run)];
    write_fleet_csv(&path, &runs).unwrap();
    let run = &runs[0].1;
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "run,step,date,generation,efficiency_j_per_th,operating_eh_s,installed_eh_s"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let g = run.generation_names.len();
    let steps = run.records.len();
    // The generations installed at some step, and only those.
    let ever: Vec<&String> = (0..g)
        .filter(|&j| (0..steps).any(|s| run.installed_by_generation[s * g + j] > 0.0))
        .map(|j| &run.generation_names[j])
        .collect();
    assert!(!ever.is_empty() && ever.len() < g, "{ever:?} of {g}");
    assert_eq!(rows.len(), 2 * steps * ever.len());
    let num = |s: &str| s.parse::<f64>().unwrap();
    for (k, r) in rows.iter().enumerate() {
        let (i, s) = (k / ever.len(), k % ever.len());
        let step = i % steps;
        assert_eq!(r[0], if i < steps { "0" } else { "4" });
        assert_eq!(num(r[1]) as usize, step);
        assert_eq!(r[2], run.records[step].date.to_string());
        assert_eq!(r[3], ever[s].as_str());
        let j = run.generation_names.iter().position(|n| n == r[3]).unwrap();
        assert_eq!(num(r[4]), run.generation_j_per_th[j]);
        // Operating is at most installed.
        assert!(num(r[5]) <= num(r[6]) * (1.0 + 1e-12), "{r:?}");
    }
    // Per step, the generations' sums are the step's operating and
    // installed hashrate.
    for (step, rec) in run.records.iter().enumerate() {
        let at = &rows[step * ever.len()..(step + 1) * ever.len()];
        let op: f64 = at.iter().map(|r| num(r[5])).sum();
        let inst: f64 = at.iter().map(|r| num(r[6])).sum();
        let tol = 1e-9 * rec.installed_hashrate_eh_s.max(1.0);
        assert!(
            (op - rec.hashrate_eh_s).abs() <= tol,
            "step {step}: {op} vs {}",
            rec.hashrate_eh_s
        );
        assert!(
            (inst - rec.installed_hashrate_eh_s).abs() <= tol,
            "step {step}: {inst} vs {}",
            rec.installed_hashrate_eh_s
        );
    }
}
