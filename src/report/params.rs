//! The scenario as run, as a readable table for `report.html`: every field
//! of `summary.json`'s `config` (miner groups included) as one row with
//! its dotted path, a plain value (no JSON quotes) and the unit its name
//! carries.

use serde_json::Value;

/// One row of the parameter table.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamRow {
    /// The table the field is in (`start`, `price`, `miners`, or an element
    /// of a list of tables, `miners.groups[0]: industrial`; empty for the
    /// scenario's own scalars).
    pub section: String,
    /// The field's path inside its section (with the section's path before
    /// it, as `--set` and sweeps take it: `miners.groups[0]` and
    /// `electricity.median_usd_per_kwh`).
    pub path: String,
    /// The value as a reader writes it: strings without quotes, numbers as
    /// written, lists joined with commas.
    pub value: String,
    /// The unit the field's name carries (`USD/kWh`, `EH/s`, ...), or empty.
    pub unit: &'static str,
}

/// Units of the schema's field-name suffixes, longest first (the first
/// match wins).
const UNIT_SUFFIXES: &[(&str, &str)] = &[
    ("_usd_per_th_day", "USD/(TH/s·day)"),
    ("_usd_per_mw_per_month", "USD per MW/month"),
    ("usd_per_mw_per_month", "USD per MW/month"),
    ("_mw_per_month", "MW/month"),
    ("_th_per_month", "TH/month"),
    ("_usd_per_kwh", "USD/kWh"),
    ("usd_per_kwh", "USD/kWh"),
    ("usd_per_watt_at_release", "USD/W"),
    ("_usd_per_day", "USD/day"),
    ("usd_per_tx", "USD/tx"),
    ("tx_per_block", "tx/block"),
    ("_usd_per_watt", "USD/W"),
    ("usd_per_watt", "USD/W"),
    ("_twh_per_year", "TWh/yr"),
    ("_btc_per_block", "BTC/block"),
    ("btc_per_block", "BTC/block"),
    ("_usd_per_hour", "USD/h"),
    ("_per_year", "per year"),
    ("_per_month", "per month"),
    ("_eh_s", "EH/s"),
    ("_th_s", "TH/s"),
    ("j_per_th", "J/TH"),
    ("_unix_s", "Unix s"),
    ("_blocks", "blocks"),
    ("_sat", "sat"),
    ("_usd", "USD"),
    ("_btc", "BTC"),
    ("_days", "days"),
    ("_years", "years"),
    ("years", "years"),
    ("_mw", "MW"),
    ("_gw", "GW"),
    ("_s", "s"),
    ("_kwh", "kWh"),
];

/// Readable names of the per-run summary scalars (`runs.csv`), by their
/// name without the `equilibrium_` or `final_` prefix.
const METRIC_NAMES: &[(&str, &str)] = &[
    ("steps", "steps simulated"),
    ("blocks", "blocks mined"),
    ("retargets", "difficulty retargets"),
    ("height", "block height"),
    ("difficulty", "difficulty"),
    ("mean_block_interval_s", "mean block interval"),
    ("max_retarget_factor", "largest retarget factor"),
    ("ratio_energy", "energy spend / reward"),
    ("ratio_energy_capex", "energy and hardware spend / reward"),
    ("ratio_total", "total cost / reward"),
    (
        "ratio_economic",
        "total cost with the cost of capital / reward",
    ),
    ("hashrate_eh_s", "hashrate"),
    ("energy_twh_per_year", "electricity use"),
    (
        "cbeci_best_twh_per_year",
        "electricity use, CBECI best-guess method",
    ),
    ("world_electricity_share", "share of world electricity"),
    ("reward_usd_per_day", "block reward per day"),
    ("total_cost_usd_per_day", "miners' total cost per day"),
    (
        "attack_energy_usd_per_hour",
        "51 % attack per hour, at the marginal fleet's energy cost",
    ),
    (
        "attack_rent_usd_per_hour",
        "51 % attack per hour, renting at hashprice",
    ),
    ("price_usd", "bitcoin price"),
    ("supply_btc", "bitcoins issued"),
    ("market_cap_usd", "market cap"),
];

/// A readable name for a per-run summary scalar: "total cost / reward
/// (equilibrium)" for `equilibrium_ratio_total`, "hashrate at the end" for
/// `final_hashrate_eh_s`; unknown names with spaces for underscores.
pub fn metric_label(key: &str) -> String {
    let (base, when) = split_metric(key);
    let name = known_name(base).map_or_else(|| base.replace('_', " "), str::to_string);
    format!("{name}{when}")
}

/// Whether [`metric_label`] has a readable name for `key` (rather than
/// its words).
pub fn has_metric_name(key: &str) -> bool {
    known_name(split_metric(key).0).is_some()
}

fn split_metric(key: &str) -> (&str, &'static str) {
    if let Some(b) = key.strip_prefix("equilibrium_") {
        (b, " (equilibrium)")
    } else if let Some(b) = key.strip_prefix("final_") {
        (b, " at the end")
    } else {
        (key, "")
    }
}

fn known_name(base: &str) -> Option<&'static str> {
    METRIC_NAMES
        .iter()
        .find(|(k, _)| *k == base)
        .map(|(_, n)| *n)
}

/// The unit a field name carries, by its suffix (empty when none).
pub fn unit_of(field: &str) -> &'static str {
    UNIT_SUFFIXES
        .iter()
        .find(|(suffix, _)| field.ends_with(suffix))
        .map(|(_, unit)| *unit)
        .unwrap_or("")
}

/// A number as a reader writes it: integers exactly, whole floats without
/// the `.0` JSON gives them (`10` years, not `10.0`), others as
/// serde_json writes them (shortest round-trip form).
pub fn number_text(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(x) if !n.is_i64() && !n.is_u64() && x.fract() == 0.0 && x.abs() < 1e15 => {
            format!("{x:.0}")
        }
        _ => n.to_string(),
    }
}

/// A scalar as a reader writes it; `None` for arrays and objects.
fn plain(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(number_text(n)),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("not set".into()),
        _ => None,
    }
}

/// Flattens `v` (at `path` inside `section`) into rows; a list of scalars
/// is one row, a list of tables one block of rows per element, named by
/// its index (and its `name`, when it has one).
fn flatten(section: &str, path: &str, field: &str, v: &Value, rows: &mut Vec<ParamRow>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                flatten(section, &join(k), k, x, rows);
            }
        }
        Value::Array(items) if items.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let text: Vec<String> = items.iter().filter_map(plain).collect();
            rows.push(ParamRow {
                section: section.into(),
                path: path.into(),
                value: if text.is_empty() {
                    "none".into()
                } else {
                    text.join(", ")
                },
                unit: unit_of(field),
            });
        }
        Value::Array(items) => {
            // A list of tables (miner groups, regions, sweep parameters):
            // each element is a section of its own, named by its path and
            // its `name` when it has one.
            // A list inside such an element (a group's regions) stays in
            // the element's section, by its path.
            let nested = section.contains('[');
            for (i, x) in items.iter().enumerate() {
                let indexed = format!("{path}[{i}]");
                match x {
                    Value::Object(map) if !nested => {
                        let mut here = if section.is_empty() {
                            indexed
                        } else {
                            format!("{section}.{indexed}")
                        };
                        if let Some(name) = x.get("name").and_then(Value::as_str) {
                            here = format!("{here}: {name}");
                        }
                        for (k, v) in map {
                            flatten(&here, k, k, v, rows);
                        }
                    }
                    other => flatten(section, &indexed, field, other, rows),
                }
            }
        }
        scalar => rows.push(ParamRow {
            section: section.into(),
            path: path.into(),
            value: plain(scalar).unwrap_or_default(),
            unit: unit_of(field),
        }),
    }
}

/// Every field of a scenario's config (`summary.json`'s `config`): the
/// scenario's own scalars first (section ""), then each table in file
/// order. Tables that are absent (`null`: no sweep, no hash supply in an
/// agent scenario) are left out; a field that is `null` reads "not set".
pub fn param_rows(config: &Value) -> Vec<ParamRow> {
    let mut rows = Vec::new();
    let Some(map) = config.as_object() else {
        return rows;
    };
    for (k, v) in map {
        match v {
            Value::Object(_) => flatten(k, "", k, v, &mut rows),
            Value::Null => {}
            _ => flatten("", k, k, v, &mut rows),
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row<'a>(rows: &'a [ParamRow], section: &str, path: &str) -> &'a ParamRow {
        rows.iter()
            .find(|r| r.section == section && r.path == path)
            .unwrap_or_else(|| panic!("no row {section} / {path} in {rows:#?}"))
    }

    #[test]
    fn values_are_plain_with_units_and_groups_are_sections() {
        let cfg = json!({
            "name": "x",
            "seed": 20260101u64,
            "start": { "date": "2026-01-01", "bits": null, "difficulty": 1.5e14 },
            "simulation": { "years": 10.0, "step_days": 0.5 },
            "price": { "model": "piecewise", "points_usd": [1.0, 2.5] },
            "miners": {
                "groups": [
                    { "name": "industrial", "electricity": { "median_usd_per_kwh": 0.045 } },
                    { "name": "flex", "electricity": { "regions": [ { "name": "Texas", "usd_per_kwh": 0.04 } ] } }
                ],
                "delivery_lag_days": 60.0
            },
            "hash_supply": null,
        });
        let rows = param_rows(&cfg);
        assert_eq!(row(&rows, "", "name").value, "x");
        assert_eq!(row(&rows, "", "seed").value, "20260101");
        assert_eq!(row(&rows, "start", "date").value, "2026-01-01");
        assert_eq!(row(&rows, "start", "bits").value, "not set");
        assert_eq!(row(&rows, "start", "difficulty").value, "150000000000000");
        assert_eq!(row(&rows, "simulation", "years").value, "10");
        assert_eq!(row(&rows, "simulation", "years").unit, "years");
        assert_eq!(row(&rows, "simulation", "step_days").value, "0.5");
        assert_eq!(row(&rows, "simulation", "step_days").unit, "days");
        assert_eq!(row(&rows, "price", "points_usd").value, "1, 2.5");
        let g0 = row(
            &rows,
            "miners.groups[0]: industrial",
            "electricity.median_usd_per_kwh",
        );
        assert_eq!((g0.value.as_str(), g0.unit), ("0.045", "USD/kWh"));
        // A list inside a group stays in the group's section.
        let r = row(
            &rows,
            "miners.groups[1]: flex",
            "electricity.regions[0].usd_per_kwh",
        );
        assert_eq!(r.value, "0.04");
        assert_eq!(row(&rows, "miners", "delivery_lag_days").value, "60");
        // Absent tables are left out; no value keeps JSON quotes.
        assert!(rows.iter().all(|r| r.section != "hash_supply"));
        assert!(rows.iter().all(|r| !r.value.contains('"')));
    }

    #[test]
    fn units_come_from_the_name_suffix() {
        assert_eq!(unit_of("equilibrium_hashrate_eh_s"), "EH/s");
        assert_eq!(unit_of("mean_block_interval_s"), "s");
        assert_eq!(unit_of("usd_per_watt_at_release"), "USD/W");
        assert_eq!(unit_of("equilibrium_reward_usd_per_day"), "USD/day");
        assert_eq!(unit_of("equilibrium_attack_energy_usd_per_hour"), "USD/h");
        assert_eq!(unit_of("pue"), "");
        assert_eq!(unit_of("share"), "");
    }
}
