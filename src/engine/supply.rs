//! Reduced-form hash supply: hashrate as a function of the reward, without
//! agents. Used for tests of the block clock (a fixed hashrate) and for
//! published models that specify hash supply directly (Noda, Okumura &
//! Hashimoto: linear or logistic in the expected reward per hash,
//! `linear_per_hash` and `sigmoid_per_hash`).

use crate::miners::MarketView;
use crate::validate::{join, Validator};
use serde::{Deserialize, Serialize};

/// A hash supply curve: how much hashrate is offered at a given reward.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum HashSupplyConfig {
    /// A constant hashrate, whatever the reward.
    Fixed {
        /// Network hashrate, EH/s (10^18 hashes per second).
        hashrate_eh_s: f64,
        /// Efficiency of the fleet, J/TH, for energy accounting (default 20).
        #[serde(default = "default_j_per_th")]
        j_per_th: f64,
        /// Electricity price for energy accounting, USD/kWh (default 0.05).
        #[serde(default = "default_usd_per_kwh")]
        energy_price_usd_per_kwh: f64,
    },
    /// `hashrate_eh_s = intercept_eh_s + slope_eh_s × reward_usd_per_day / reward_unit_usd_per_day`,
    /// floored at zero; the reward is the expected USD reward per day at
    /// the current difficulty's nominal block rate (subsidy + fees, 86 400
    /// / target spacing blocks a day).
    Linear {
        /// Hashrate at zero reward, EH/s.
        intercept_eh_s: f64,
        /// EH/s added per `reward_unit_usd_per_day` of daily reward.
        slope_eh_s: f64,
        /// The unit of the reward in the formula, USD per day (default 1e6).
        #[serde(default = "default_reward_unit")]
        reward_unit_usd_per_day: f64,
        /// Fleet efficiency, J/TH, for energy accounting (default 20).
        #[serde(default = "default_j_per_th")]
        j_per_th: f64,
        /// Electricity price for energy accounting, USD/kWh (default 0.05).
        #[serde(default = "default_usd_per_kwh")]
        energy_price_usd_per_kwh: f64,
    },
    /// `hashrate_eh_s = intercept_eh_s + slope_eh_s × R`, floored at zero,
    /// where `R` is the expected reward in USD per 10^18 hashes at the
    /// current difficulty, `(subsidy + fees) × price × 10^18 / (difficulty ×
    /// 2^32)`: Noda, Okumura & Hashimoto's hash supply (their `R = price ×
    /// W × 12.5`). Unlike `linear`, it responds to the difficulty.
    LinearPerHash {
        /// Hashrate at zero reward, EH/s.
        intercept_eh_s: f64,
        /// EH/s added per USD of expected reward per 10^18 hashes.
        slope_eh_s: f64,
        /// Fleet efficiency, J/TH, for energy accounting (default 20).
        #[serde(default = "default_j_per_th")]
        j_per_th: f64,
        /// Electricity price for energy accounting, USD/kWh (default 0.05).
        #[serde(default = "default_usd_per_kwh")]
        energy_price_usd_per_kwh: f64,
    },
    /// `hashrate_eh_s = cap_eh_s / (1 + exp(−steepness × (R − center)))`
    /// with `R` as in `LinearPerHash`: the logistic hash supply of Noda,
    /// Okumura & Hashimoto (their cap 55 EH/s, steepness 3, center 1.5).
    SigmoidPerHash {
        /// Hashrate as the reward goes to infinity, EH/s.
        cap_eh_s: f64,
        /// Reward per 10^18 hashes (USD) at which half the cap is offered.
        center_usd_per_eh: f64,
        /// Logistic steepness, per (USD per 10^18 hashes).
        steepness: f64,
        /// Fleet efficiency, J/TH, for energy accounting (default 20).
        #[serde(default = "default_j_per_th")]
        j_per_th: f64,
        /// Electricity price for energy accounting, USD/kWh (default 0.05).
        #[serde(default = "default_usd_per_kwh")]
        energy_price_usd_per_kwh: f64,
    },
}

/// Expected reward in USD per 10^18 hashes at the current difficulty; 0
/// when the difficulty is not positive.
fn reward_usd_per_eh(view: &MarketView) -> f64 {
    let reward_btc = view.subsidy_btc_per_block + view.fee_btc_per_block;
    if view.difficulty > 0.0 {
        reward_btc * view.price_usd * 1e18 / (view.difficulty * 4_294_967_296.0)
    } else {
        0.0
    }
}

/// The logistic function, without overflow: exp of a large positive
/// argument is never taken.
fn logistic(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

fn default_j_per_th() -> f64 {
    20.0
}
fn default_usd_per_kwh() -> f64 {
    0.05
}
fn default_reward_unit() -> f64 {
    1e6
}

impl HashSupplyConfig {
    /// Hashrate in hashes per second offered in the market of a step.
    pub fn hashrate_hs(&self, view: &MarketView) -> f64 {
        let reward_btc = view.subsidy_btc_per_block + view.fee_btc_per_block;
        let eh = match *self {
            HashSupplyConfig::Fixed { hashrate_eh_s, .. } => hashrate_eh_s,
            HashSupplyConfig::Linear {
                intercept_eh_s,
                slope_eh_s,
                reward_unit_usd_per_day,
                ..
            } => {
                let per_day = reward_btc * view.price_usd * 86_400.0 / view.target_spacing_s;
                intercept_eh_s + slope_eh_s * per_day / reward_unit_usd_per_day
            }
            HashSupplyConfig::LinearPerHash {
                intercept_eh_s,
                slope_eh_s,
                ..
            } => intercept_eh_s + slope_eh_s * reward_usd_per_eh(view),
            HashSupplyConfig::SigmoidPerHash {
                cap_eh_s,
                center_usd_per_eh,
                steepness,
                ..
            } => cap_eh_s * logistic(steepness * (reward_usd_per_eh(view) - center_usd_per_eh)),
        };
        if eh.is_finite() {
            eh.max(0.0) * 1e18
        } else {
            0.0
        }
    }

    /// (J/TH, USD/kWh) used to account energy for this supply.
    pub fn energy_terms(&self) -> (f64, f64) {
        match *self {
            HashSupplyConfig::Fixed {
                j_per_th,
                energy_price_usd_per_kwh,
                ..
            }
            | HashSupplyConfig::Linear {
                j_per_th,
                energy_price_usd_per_kwh,
                ..
            }
            | HashSupplyConfig::LinearPerHash {
                j_per_th,
                energy_price_usd_per_kwh,
                ..
            }
            | HashSupplyConfig::SigmoidPerHash {
                j_per_th,
                energy_price_usd_per_kwh,
                ..
            } => (j_per_th, energy_price_usd_per_kwh),
        }
    }

    pub fn validate(&self, v: &mut Validator, path: &str) {
        match self {
            HashSupplyConfig::SigmoidPerHash {
                cap_eh_s,
                center_usd_per_eh,
                steepness,
                ..
            } => {
                v.in_closed(&join(path, "cap_eh_s"), *cap_eh_s, 0.0, 1e9);
                v.in_closed(
                    &join(path, "center_usd_per_eh"),
                    *center_usd_per_eh,
                    -1e9,
                    1e9,
                );
                v.in_closed(&join(path, "steepness"), *steepness, 0.0, 1e9);
            }
            HashSupplyConfig::LinearPerHash {
                intercept_eh_s,
                slope_eh_s,
                ..
            } => {
                v.in_closed(&join(path, "intercept_eh_s"), *intercept_eh_s, -1e9, 1e9);
                v.in_closed(&join(path, "slope_eh_s"), *slope_eh_s, 0.0, 1e9);
            }
            HashSupplyConfig::Fixed { hashrate_eh_s, .. } => {
                v.in_closed(&join(path, "hashrate_eh_s"), *hashrate_eh_s, 0.0, 1e9);
            }
            HashSupplyConfig::Linear {
                intercept_eh_s,
                slope_eh_s,
                reward_unit_usd_per_day,
                ..
            } => {
                v.in_closed(&join(path, "intercept_eh_s"), *intercept_eh_s, -1e9, 1e9);
                v.in_closed(&join(path, "slope_eh_s"), *slope_eh_s, 0.0, 1e9);
                v.in_open_closed(
                    &join(path, "reward_unit_usd_per_day"),
                    *reward_unit_usd_per_day,
                    0.0,
                    1e15,
                );
            }
        }
        // The energy accounting fields, common to every model.
        let (j_per_th, energy_price_usd_per_kwh) = self.energy_terms();
        v.in_open_closed(&join(path, "j_per_th"), j_per_th, 0.0, 1e6);
        v.in_closed(
            &join(path, "energy_price_usd_per_kwh"),
            energy_price_usd_per_kwh,
            0.0,
            100.0,
        );
    }
}
