//! Attack economics after Budish (2018, 2022): what a double spend pays,
//! what it costs to carry out by renting or by buying hashrate, and the
//! security margin (cost ÷ payoff), as pure functions of a step's state.
//!
//! **The attack.** A merchant waits `confirmations` (z) blocks. The
//! attacker adds hashrate `A = attacker_multiple × H` to an honest network
//! of `H` and mines a private chain from the block before the payment. In
//! the fluid (expected-value) approximation both chains grow at their
//! hashrate over `D·2³²` hashes a block; the attack ends when the private
//! chain has at least `z + 1` blocks *and* is one block ahead of the
//! honest chain:
//!
//! `duration = T × max((z + 1) / m, 1 / (m − 1))`, with `m` the multiple
//! and `T = D·2³² / H` the honest block interval at the step's difficulty.
//!
//! At `m = 51/49` (51 % of the combined hashrate) and z = 6 that is
//! 24.5 block intervals, about 4.1 hours; at `m = 2` it is 3.5. The
//! approximation ignores the race's variance (Rosenfeld 2014 gives the
//! success probability); it is the expected duration of an attack that
//! succeeds.
//!
//! **Payoff** = `double_spend_usd + share_of_daily_volume ×
//! daily_volume_usd`: both given by the scenario.
//!
//! **Renting** (Budish's "flow" attack): `A` at the hashprice times
//! `1 + rental_premium` for the duration. The blocks the attacker's chain
//! wins are worth, in expectation, `A × hashprice × duration` (the
//! hashprice is the expected reward per TH/s), so with
//! `attacker_keeps_rewards` the net cost is the premium part alone.
//! Renting is possible only if `attacker_multiple <= rentable_share`
//! (the hashrate for rent, as a multiple of the network's).
//!
//! **Buying** (Budish 2022's "stock" attack): `A` of the best machines at
//! the step's hardware price, which the world's manufacturers build in
//! `A × J/TH ÷ output` days if the attacker buys all of their output; the
//! energy for the duration at the marginal fleet's energy cost; and the
//! loss on the hardware if the price falls by `price_drop_after_attack`
//! after the attack (the machines' value is the mining income they earn,
//! which falls with the price), minus the rewards won when the attacker
//! keeps them. Without a price drop the hardware keeps its value, so
//! the net cost can be negative: the attack then pays for itself.
//!
//! **Security margin** = the cheaper feasible net cost ÷ payoff
//! (`None` without a payoff or without a feasible way).

use super::TWO_POW_32;
use crate::validate::{join, Validator};
use serde::{Deserialize, Serialize};

fn default_confirmations() -> u32 {
    6
}

fn default_multiple() -> f64 {
    0.51 / 0.49
}

fn default_true() -> bool {
    true
}

/// The attack to price (scenario table `[attack]`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttackConfig {
    /// Blocks the merchant waits, in [1, 1000]. Default 6.
    #[serde(default = "default_confirmations")]
    pub confirmations: u32,
    /// Attacker's hashrate as a multiple of the honest network's, in
    /// (1, 100]. Default 0.51 / 0.49 (51 % of the combined hashrate).
    #[serde(default = "default_multiple")]
    pub attacker_multiple: f64,
    /// A fixed value double-spent, USD, >= 0. Default 0.
    #[serde(default)]
    pub double_spend_usd: f64,
    /// Daily on-chain volume, USD, >= 0. Default 0.
    #[serde(default)]
    pub daily_volume_usd: f64,
    /// Share of the daily volume double-spent, in [0, 1]. Default 0.
    #[serde(default)]
    pub share_of_daily_volume: f64,
    /// Hashrate for rent, as a multiple of the network's, >= 0. Required:
    /// Budish (2018) and crypto51 put it far below 1 for Bitcoin.
    pub rentable_share: f64,
    /// Rent above the hashprice, as a fraction, in [0, 100]. Default 0.
    #[serde(default)]
    pub rental_premium: f64,
    /// Fall of the BTC price after an attack, in [0, 1]: the share of the
    /// bought hardware's value lost. Default 0.
    #[serde(default)]
    pub price_drop_after_attack: f64,
    /// Whether the blocks of the attacker's chain count against its cost.
    /// Default true.
    #[serde(default = "default_true")]
    pub attacker_keeps_rewards: bool,
}

impl AttackConfig {
    /// Reports every out-of-range field under `path` (`attack`).
    pub fn validate(&self, v: &mut Validator, path: &str) {
        v.int_in(
            &join(path, "confirmations"),
            u64::from(self.confirmations),
            1,
            1000,
        );
        v.in_open_closed(
            &join(path, "attacker_multiple"),
            self.attacker_multiple,
            1.0,
            100.0,
        );
        v.non_negative(&join(path, "double_spend_usd"), self.double_spend_usd);
        v.non_negative(&join(path, "daily_volume_usd"), self.daily_volume_usd);
        v.in_closed(
            &join(path, "share_of_daily_volume"),
            self.share_of_daily_volume,
            0.0,
            1.0,
        );
        v.non_negative(&join(path, "rentable_share"), self.rentable_share);
        v.in_closed(
            &join(path, "rental_premium"),
            self.rental_premium,
            0.0,
            100.0,
        );
        v.in_closed(
            &join(path, "price_drop_after_attack"),
            self.price_drop_after_attack,
            0.0,
            1.0,
        );
    }

    /// The double spend's value, USD.
    pub fn payoff_usd(&self) -> f64 {
        self.double_spend_usd + self.share_of_daily_volume * self.daily_volume_usd
    }

    /// Duration of the attack in honest block intervals (module docs).
    pub fn duration_blocks(&self) -> f64 {
        let m = self.attacker_multiple;
        ((f64::from(self.confirmations) + 1.0) / m).max(1.0 / (m - 1.0))
    }
}

/// A step's state that the attack is priced at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttackState {
    /// Honest network hashrate, H/s.
    pub network_hashrate_hs: f64,
    /// Difficulty after the step.
    pub difficulty: f64,
    /// Hashprice, USD per TH/s per day.
    pub hashprice_usd_per_th_day: f64,
    /// Net energy cost of the marginal operating machines, USD/TH/day.
    pub marginal_energy_cost_usd_per_th_day: f64,
    /// Price of new hardware of the best generation, USD per TH/s.
    pub hardware_cost_usd_per_th: f64,
    /// The best generation's efficiency, J/TH (0: no hardware market).
    pub best_j_per_th: f64,
    /// World output of machines, MW a month (0: none).
    pub manufacturing_capacity_mw_per_month: f64,
}

/// The attack's economics at one step (see the module documentation).
/// Every value is finite; `None` where a quantity is undefined.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AttackEconomics {
    /// Expected duration, hours (`None` without hashrate).
    pub duration_hours: Option<f64>,
    /// The attacker's hashrate, EH/s.
    pub attacker_eh_s: f64,
    /// What the double spend pays, USD.
    pub payoff_usd: f64,
    /// Rewards of the attacker's chain over the duration, USD (0 unless
    /// `attacker_keeps_rewards`).
    pub rewards_won_usd: Option<f64>,
    /// Rent for the duration, USD, before the rewards won.
    pub rent_usd: Option<f64>,
    /// Rent per hour of the attack, USD.
    pub rent_usd_per_hour: Option<f64>,
    /// Rent less rewards won, USD; `None` when not rentable.
    pub rent_net_usd: Option<f64>,
    /// Buying the attacker's hashrate new, USD.
    pub hardware_usd: Option<f64>,
    /// Days the world's manufacturers need to build it (`None` without
    /// output).
    pub build_days: Option<f64>,
    /// Hardware value lost + energy − rewards won, USD.
    pub buy_net_usd: Option<f64>,
    /// `rent_net_usd / payoff_usd`.
    pub security_margin_rent: Option<f64>,
    /// `buy_net_usd / payoff_usd`.
    pub security_margin_buy: Option<f64>,
    /// The smaller of the two margins that exist.
    pub security_margin: Option<f64>,
}

fn positive_finite(x: f64) -> Option<f64> {
    (x.is_finite() && x > 0.0).then_some(x)
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Prices the attack of `cfg` at `s`.
pub fn attack_economics(cfg: &AttackConfig, s: &AttackState) -> AttackEconomics {
    let h = positive_finite(s.network_hashrate_hs);
    let d = positive_finite(s.difficulty);
    let attacker_hs = h.map_or(0.0, |h| h * cfg.attacker_multiple);
    let attacker_th = attacker_hs / 1e12;
    let payoff = cfg.payoff_usd();
    let duration_s = match (h, d) {
        (Some(h), Some(d)) => finite(d * TWO_POW_32 / h * cfg.duration_blocks()),
        _ => None,
    };
    let days = duration_s.map(|t| t / 86_400.0);
    let hashprice = finite(s.hashprice_usd_per_th_day.max(0.0));
    let rewards_won = match (days, hashprice) {
        (Some(t), Some(p)) if cfg.attacker_keeps_rewards => finite(attacker_th * p * t),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };
    let rent = match (days, hashprice) {
        (Some(t), Some(p)) => finite(attacker_th * p * (1.0 + cfg.rental_premium) * t),
        _ => None,
    };
    let rent_per_hour = match (rent, duration_s) {
        (Some(r), Some(t)) if t > 0.0 => finite(r / (t / 3600.0)),
        _ => None,
    };
    let rentable = cfg.attacker_multiple <= cfg.rentable_share;
    let rent_net = match (rent, rewards_won) {
        (Some(r), Some(w)) if rentable => finite(r - w),
        _ => None,
    };
    let hardware = (h.is_some() && s.hardware_cost_usd_per_th.is_finite())
        .then(|| attacker_th * s.hardware_cost_usd_per_th.max(0.0))
        .and_then(finite);
    let output_w_per_day = s.manufacturing_capacity_mw_per_month * 1e6 / (365.25 / 12.0);
    let build_days = match (
        positive_finite(output_w_per_day),
        positive_finite(s.best_j_per_th),
    ) {
        (Some(w), Some(j)) if h.is_some() => finite(attacker_th * j / w),
        _ => None,
    };
    let energy =
        days.and_then(|t| finite(attacker_th * s.marginal_energy_cost_usd_per_th_day.max(0.0) * t));
    let buy_net = match (hardware, energy, rewards_won) {
        (Some(hw), Some(e), Some(w)) if build_days.is_some() => {
            finite(hw * cfg.price_drop_after_attack + e - w)
        }
        _ => None,
    };
    let margin = |cost: Option<f64>| {
        cost.and_then(|c| (payoff > 0.0).then(|| c / payoff))
            .and_then(finite)
    };
    let (mr, mb) = (margin(rent_net), margin(buy_net));
    let security_margin = match (mr, mb) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    AttackEconomics {
        duration_hours: duration_s.map(|t| t / 3600.0),
        attacker_eh_s: attacker_hs / 1e18,
        payoff_usd: payoff,
        rewards_won_usd: rewards_won,
        rent_usd: rent,
        rent_usd_per_hour: rent_per_hour,
        rent_net_usd: rent_net,
        hardware_usd: hardware,
        build_days,
        buy_net_usd: buy_net,
        security_margin_rent: mr,
        security_margin_buy: mb,
        security_margin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> AttackConfig {
        toml::from_str("rentable_share = 0.02").unwrap()
    }

    /// A network of 1e21 H/s at the difficulty that gives 600 s blocks.
    fn state() -> AttackState {
        AttackState {
            network_hashrate_hs: 1e21,
            difficulty: 1e21 * 600.0 / TWO_POW_32,
            hashprice_usd_per_th_day: 0.05,
            marginal_energy_cost_usd_per_th_day: 0.03,
            hardware_cost_usd_per_th: 15.0,
            best_j_per_th: 15.0,
            manufacturing_capacity_mw_per_month: 300.0,
        }
    }

    #[test]
    fn duration_follows_the_fluid_race() {
        let c = cfg();
        // m = 51/49: the lead of one block takes 1 / (m - 1) = 24.5 blocks.
        assert!((c.duration_blocks() - 24.5).abs() < 1e-9);
        let two = AttackConfig {
            attacker_multiple: 2.0,
            ..c
        };
        assert_eq!(two.duration_blocks(), 3.5);
        let e = attack_economics(&c, &state());
        assert!((e.duration_hours.unwrap() - 24.5 * 600.0 / 3600.0).abs() < 1e-9);
        // Slower blocks (half the hashrate at the same difficulty) take twice as long.
        let slow = AttackState {
            network_hashrate_hs: 0.5e21,
            ..state()
        };
        let es = attack_economics(&c, &slow);
        assert!((es.duration_hours.unwrap() / e.duration_hours.unwrap() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn renting_at_the_hashprice_nets_only_the_premium() {
        let c = AttackConfig {
            rentable_share: 2.0,
            rental_premium: 0.5,
            double_spend_usd: 1e6,
            ..cfg()
        };
        let s = state();
        let e = attack_economics(&c, &s);
        let th = 1e9 * c.attacker_multiple;
        let days = 24.5 * 600.0 / 86_400.0;
        assert!((e.rent_usd.unwrap() - th * 0.05 * 1.5 * days).abs() < 1e-3);
        assert!((e.rent_net_usd.unwrap() - th * 0.05 * 0.5 * days).abs() < 1e-3);
        assert!((e.rent_usd_per_hour.unwrap() - th * 0.05 * 1.5 / 24.0).abs() < 1e-6);
        assert!((e.security_margin_rent.unwrap() - e.rent_net_usd.unwrap() / 1e6).abs() < 1e-12);
        // Not rentable: no rent option, the margin is the purchase's.
        let n = attack_economics(
            &AttackConfig {
                rentable_share: 0.02,
                ..c
            },
            &s,
        );
        assert_eq!(n.rent_net_usd, None);
        assert_eq!(n.security_margin, n.security_margin_buy);
    }

    #[test]
    fn buying_costs_the_lost_value_and_the_energy_less_the_rewards() {
        let c = AttackConfig {
            price_drop_after_attack: 0.3,
            double_spend_usd: 2e8,
            ..cfg()
        };
        let e = attack_economics(&c, &state());
        let th = 1e9 * c.attacker_multiple;
        let days = 24.5 * 600.0 / 86_400.0;
        assert!((e.hardware_usd.unwrap() - th * 15.0).abs() < 1e-3);
        // 300 MW a month = 9.856 MW a day; th × 15 W.
        let build = th * 15.0 / (300e6 / (365.25 / 12.0));
        assert!((e.build_days.unwrap() - build).abs() < 1e-9);
        let net = th * 15.0 * 0.3 + th * 0.03 * days - th * 0.05 * days;
        assert!((e.buy_net_usd.unwrap() - net).abs() < 1e-3);
        assert!((e.security_margin.unwrap() - net / 2e8).abs() < 1e-12);
        // Without a price drop the attack pays for itself: a negative cost.
        let free = attack_economics(
            &AttackConfig {
                price_drop_after_attack: 0.0,
                ..c
            },
            &state(),
        );
        assert!(free.buy_net_usd.unwrap() < 0.0);
        // Without a hardware market nothing can be bought.
        let none = attack_economics(
            &c,
            &AttackState {
                manufacturing_capacity_mw_per_month: 0.0,
                ..state()
            },
        );
        assert_eq!(
            (none.build_days, none.buy_net_usd, none.security_margin),
            (None, None, None)
        );
    }

    #[test]
    fn degenerate_states_give_none_not_nan() {
        let c = AttackConfig {
            double_spend_usd: 1.0,
            ..cfg()
        };
        for h in [0.0, f64::NAN, f64::INFINITY, -1.0] {
            let e = attack_economics(
                &c,
                &AttackState {
                    network_hashrate_hs: h,
                    ..state()
                },
            );
            assert_eq!(e.duration_hours, None);
            assert_eq!(e.security_margin, None);
            assert_eq!(e.attacker_eh_s, 0.0);
        }
        // No payoff: no margin, costs still priced.
        let e = attack_economics(&cfg(), &state());
        assert_eq!(e.security_margin, None);
        assert!(e.hardware_usd.is_some());
    }

    #[test]
    fn validation_names_fields_and_ranges() {
        let c = AttackConfig {
            confirmations: 0,
            attacker_multiple: 1.0,
            share_of_daily_volume: 2.0,
            rentable_share: -1.0,
            price_drop_after_attack: 1.5,
            ..cfg()
        };
        let mut v = Validator::default();
        c.validate(&mut v, "attack");
        let msg = format!("{v:?}");
        for f in [
            "attack.confirmations",
            "attack.attacker_multiple",
            "attack.share_of_daily_volume",
            "attack.rentable_share",
            "attack.price_drop_after_attack",
        ] {
            assert!(msg.contains(f), "{f} missing in {msg}");
        }
        let missing: Result<AttackConfig, _> = toml::from_str("confirmations = 6");
        assert!(missing.unwrap_err().to_string().contains("rentable_share"));
    }
}
