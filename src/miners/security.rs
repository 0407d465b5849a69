//! Attack cost: what it takes to run a majority of the network's hashrate,
//! as pure functions of the inputs.
//!
//! The attacker runs `majority_share × network hashrate` (0.51 by default,
//! as in the seed's worked example, which takes 51 % of the honest miners'
//! spend; to *out-hash* an unchanged honest network one needs
//! `share / (1 − share)` times it instead; pass e.g. 0.5102 / 0.4898 ≈ 1.04
//! as `majority_share` for that reading). Costs:
//!
//! - energy per hour with the marginal fleet's energy cost (the least
//!   efficient machines now running: what switched-off or spare machines
//!   would cost to run) and with the average fleet's;
//! - renting: hashprice per hour (crypto51's method, Budish's "rented
//!   attack");
//! - buying the hardware new at the current price per TH/s;
//! - each as a share of the market capitalisation.
//!
//! Per-hour costs compare to the market cap as a flow to a stock: the
//! function reports the ratios per hour; multiply by the attack's length.

/// Inputs of [`attack_cost`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttackInputs {
    /// Network hashrate, H/s.
    pub network_hashrate_hs: f64,
    /// Share of the network hashrate the attacker runs (0.51).
    pub majority_share: f64,
    /// Net energy cost of the marginal operating machines, USD/TH/day.
    pub marginal_energy_cost_usd_per_th_day: f64,
    /// Mean energy cost of the operating fleet, USD/TH/day.
    pub average_energy_cost_usd_per_th_day: f64,
    /// Hashprice, USD/TH/day.
    pub hashprice_usd_per_th_day: f64,
    /// Price of new hardware, USD per TH/s.
    pub hardware_cost_usd_per_th: f64,
    /// Market capitalisation, USD.
    pub market_cap_usd: f64,
}

/// Costs of a majority attack, see the module documentation.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct AttackCost {
    /// Hashrate the attacker runs, H/s.
    pub attacker_hashrate_hs: f64,
    /// Energy per hour at the marginal fleet's cost, USD.
    pub energy_marginal_usd_per_hour: f64,
    /// Energy per hour at the average fleet's cost, USD.
    pub energy_average_usd_per_hour: f64,
    /// Renting the hashrate at hashprice, USD per hour.
    pub rent_usd_per_hour: f64,
    /// Buying the hardware new, USD.
    pub hardware_usd: f64,
    /// `energy_marginal_usd_per_hour / market cap`.
    pub energy_marginal_per_hour_share_of_market_cap: f64,
    /// `energy_average_usd_per_hour / market cap`.
    pub energy_average_per_hour_share_of_market_cap: f64,
    /// `rent_usd_per_hour / market cap`.
    pub rent_per_hour_share_of_market_cap: f64,
    /// `hardware_usd / market cap`.
    pub hardware_share_of_market_cap: f64,
}

fn finite_non_negative(x: f64) -> f64 {
    if x.is_finite() {
        x.max(0.0)
    } else {
        0.0
    }
}

/// Attack costs (all finite, >= 0; shares of market cap are 0 when the
/// market cap is not positive).
pub fn attack_cost(i: &AttackInputs) -> AttackCost {
    let h = finite_non_negative(i.network_hashrate_hs) * finite_non_negative(i.majority_share);
    let th = h / 1e12;
    let per_hour = |usd_per_th_day: f64| th * finite_non_negative(usd_per_th_day) / 24.0;
    let cap = finite_non_negative(i.market_cap_usd);
    let share = |x: f64| if cap > 0.0 { x / cap } else { 0.0 };
    let em = per_hour(i.marginal_energy_cost_usd_per_th_day);
    let ea = per_hour(i.average_energy_cost_usd_per_th_day);
    let rent = per_hour(i.hashprice_usd_per_th_day);
    let hw = th * finite_non_negative(i.hardware_cost_usd_per_th);
    AttackCost {
        attacker_hashrate_hs: h,
        energy_marginal_usd_per_hour: em,
        energy_average_usd_per_hour: ea,
        rent_usd_per_hour: rent,
        hardware_usd: hw,
        energy_marginal_per_hour_share_of_market_cap: share(em),
        energy_average_per_hour_share_of_market_cap: share(ea),
        rent_per_hour_share_of_market_cap: share(rent),
        hardware_share_of_market_cap: share(hw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_worked_example_order_of_magnitude() {
        // Seed: reward ≈ $440,000 per block, spend ≈ 0.8 × reward; an
        // attacker with 51 % pays ≈ $180,000 per 10 minutes ≈ $1M per hour.
        // Take hashrate 1e21 H/s (1e9 TH/s): hashprice = 440,000 × 144 / 1e9.
        let hp = 440_000.0 * 144.0 / 1e9;
        let a = attack_cost(&AttackInputs {
            network_hashrate_hs: 1e21,
            majority_share: 0.51,
            marginal_energy_cost_usd_per_th_day: 0.8 * hp,
            average_energy_cost_usd_per_th_day: 0.5 * hp,
            hashprice_usd_per_th_day: hp,
            hardware_cost_usd_per_th: 10.0,
            market_cap_usd: 1e12,
        });
        assert!((a.energy_marginal_usd_per_hour - 0.51 * 0.8 * 440_000.0 * 6.0).abs() < 1e-3);
        assert!((a.energy_marginal_usd_per_hour - 1.08e6).abs() < 0.01e6);
        assert!((a.hardware_usd - 5.1e9).abs() < 1.0);
        assert!((a.hardware_share_of_market_cap - 5.1e-3).abs() < 1e-12);
        let z = attack_cost(&AttackInputs {
            network_hashrate_hs: f64::NAN,
            majority_share: 0.51,
            marginal_energy_cost_usd_per_th_day: 1.0,
            average_energy_cost_usd_per_th_day: 1.0,
            hashprice_usd_per_th_day: 1.0,
            hardware_cost_usd_per_th: 1.0,
            market_cap_usd: 0.0,
        });
        assert_eq!(z, AttackCost::default());
    }
}
