//! Finite power regions end to end: a scenario with a supply-curve group,
//! run by the engine and written as `regions.csv`.

use crate::common::{run_checked, tempdir};
use minesim::output::write_regions_csv;

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
    write_regions_csv(&path, &run).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "step,date,region,capacity_mw,sites_mw,load_mw,operating_mw,curtailable_mw,marginal_price_usd_per_kwh"
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
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
