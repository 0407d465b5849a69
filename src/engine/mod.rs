//! The discrete-time engine: one run of a scenario.
//!
//! Pure: takes a prepared model ([`ModelConfig`] with its data files
//! loaded) and an RNG, returns the run's records.
//! No files, terminal or threads here. Each step:
//!
//! 1. the market sets the step's price and expected fees;
//! 2. the miners (agents, or a reduced-form supply curve) see the
//!    [`MarketView`] at the *current* difficulty and decide their hashrate;
//! 3. the [`blocks::ChainClock`] draws the step's blocks and applies any
//!    retarget at the right block;
//! 4. the realised reward (integer satoshis of subsidy and fees) is paid
//!    out and the step's accounting is recorded as a [`StepRecord`].

pub mod blocks;
pub mod config;
pub mod record;
pub mod supply;

pub use config::{ModelConfig, SupplyConfig};
pub use record::{RunResult, RunSummary, StepRecord};

use crate::calendar::Date;
use crate::consensus::{block_subsidy_sat, subsidy_sum_sat};
use crate::market::{
    load_daily_series, DailySeries, DataFiles, FeeProcess, MarketError, PriceProcess,
};
use crate::miners::{
    attack_economics, cbeci_power_w, AsicCatalogue, AttackEconomics, AttackState,
    HardwarePriceConfig, MarketView, MinersError, Population, RegionStep, StepOutcome,
};
use blocks::{ChainClock, HASHES_PER_DIFFICULTY};
use rand::Rng;
use supply::HashSupplyConfig;

/// Satoshis per bitcoin.
pub const SAT_PER_BTC: f64 = 100_000_000.0;

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("start state: {0}")]
    Start(String),
    #[error(transparent)]
    Market(#[from] MarketError),
    #[error(transparent)]
    Miners(#[from] MinersError),
}

/// A validated model with its data files loaded: everything a run needs.
/// Built once, shared by all runs of a batch.
#[derive(Debug, Clone)]
pub struct PreparedModel {
    pub model: ModelConfig,
    price: PriceProcess,
    fees: FeeProcess,
    cbeci_catalogue: AsicCatalogue,
    /// The clearing market's output by day, MW a month, if it follows a
    /// path.
    capacity_path: Option<DailySeries>,
}

impl PreparedModel {
    /// Loads the data files the model names (opened through `files`) and
    /// checks they cover the horizon.
    pub fn new(model: ModelConfig, files: &dyn DataFiles) -> Result<PreparedModel, EngineError> {
        let start = model.start.date;
        let price = PriceProcess::new(&model.price, start, files)?;
        price.check_covers(start, model.end_date())?;
        let fees = FeeProcess::new(&model.fees, start, files)?;
        fees.check_covers(start, model.end_date())?;
        // The catalogue the CBECI view classifies hardware with: the
        // scenario's own, or the shipped one for reduced-form supply.
        let cbeci_catalogue = match model.miners() {
            Some(m) => {
                let c = m.build_catalogue().map_err(MinersError::Catalogue)?;
                if c.best_available(start).is_none() {
                    return Err(EngineError::Miners(MinersError::NoGenerationAtStart(start)));
                }
                c
            }
            None => AsicCatalogue::default_catalogue(&HardwarePriceConfig::default())
                .map_err(MinersError::Catalogue)?,
        };
        let capacity_path = match model.miners().and_then(|m| m.capacity_path()) {
            Some(c) => {
                let (series, file) = load_daily_series(files, &c.path, &c.date_column, &c.column)?;
                if !series.covers(start, model.end_date()) {
                    return Err(EngineError::Market(MarketError::NotCovered {
                        file,
                        column: c.column.clone(),
                        first: series.first_date(),
                        last: series.last_date(),
                        from: start,
                        to: model.end_date(),
                    }));
                }
                Some(series)
            }
            None => None,
        };
        Ok(PreparedModel {
            model,
            capacity_path,
            price,
            fees,
            cbeci_catalogue,
        })
    }
}

/// Who supplies the hashrate.
enum Supply {
    Curve(HashSupplyConfig),
    Agents(Box<Population>),
}

/// Runs the scenario once with the given random stream.
pub fn run<R: Rng + ?Sized>(
    prepared: &PreparedModel,
    rng: &mut R,
) -> Result<RunResult, EngineError> {
    let sc = &prepared.model;
    let chain = sc.chain.clone();
    let bits = sc.start.start_bits(&chain);
    let start_unix = sc.start.date.unix_seconds();
    let mut clock = ChainClock::new(
        chain.clone(),
        sc.start.height,
        bits,
        start_unix,
        sc.start
            .epoch_first_block_unix_s
            .map(|t| (t - start_unix) as f64),
        sc.simulation.block_sampling,
    )
    .map_err(|e| EngineError::Start(format!("start bits {bits:#010x}: {e}")))?;
    let mut price = prepared.price.clone();
    let mut fees = prepared.fees.clone();
    let steps = sc.simulation.steps();
    let dt_s = sc.simulation.step_s();
    let spacing = chain.target_spacing_s as f64;

    // Issued supply at the start: every subsidy up to the start height.
    let mut issued_sat: u64 = subsidy_sum_sat(0, sc.start.height + 1, &chain);
    let fee_only_from = fees.fee_only_from();

    let mut records = Vec::with_capacity(steps as usize);
    let mut supply: Option<Supply> = None;
    let mut generation_names: Vec<String> = Vec::new();
    let mut hashrate_by_generation: Vec<f64> = Vec::new();
    let mut installed_by_generation: Vec<f64> = Vec::new();
    let mut generation_j_per_th: Vec<f64> = Vec::new();
    let mut region_names: Vec<String> = Vec::new();
    let mut regions: Vec<RegionStep> = Vec::new();
    let mut smoothed_hashprice: Option<f64> = None;
    let mut attack: Vec<AttackEconomics> = match sc.attack {
        Some(_) => Vec::with_capacity(steps as usize),
        None => Vec::new(),
    };

    for step in 0..steps {
        let t_s = step as f64 * dt_s;
        let date = Date::from_unix_seconds(start_unix + t_s.floor() as i64);
        let fee_only = fee_only_from.is_some_and(|d| date >= d);
        let price_usd = sanitize(price.step_price_usd(step, t_s, dt_s, rng));
        let subsidy_next_sat = if fee_only {
            0
        } else {
            block_subsidy_sat(clock.height() + 1, &chain)
        };
        let subsidy_btc = subsidy_next_sat as f64 / SAT_PER_BTC;
        let fee_btc =
            sanitize(fees.step_fee_btc_per_block(step, t_s, dt_s, price_usd, subsidy_btc, rng));
        let view = MarketView {
            date,
            t_s,
            dt_s,
            step_index: step,
            price_usd,
            difficulty: clock.difficulty(),
            subsidy_btc_per_block: subsidy_btc,
            fee_btc_per_block: fee_btc,
            height: clock.height(),
            target_spacing_s: spacing,
            blocks_to_next_halving: blocks_to_next_halving(clock.height(), &chain),
            halving_interval_blocks: chain.halving_interval_blocks,
        };
        if supply.is_none() {
            supply = Some(match &sc.supply {
                SupplyConfig::Agents(m) => {
                    let mut p = Population::new(m, &view, rng)?;
                    if let Some(series) = &prepared.capacity_path {
                        p.set_capacity_path(series.clone());
                    }
                    generation_names = p.generation_names().to_vec();
                    generation_j_per_th = p.generation_j_per_th().to_vec();
                    region_names = p.region_names();
                    Supply::Agents(Box::new(p))
                }
                SupplyConfig::Curve(h) => Supply::Curve(h.clone()),
            });
        }
        let outcome = match supply.as_mut() {
            Some(Supply::Agents(p)) => p.step(&view, rng),
            Some(Supply::Curve(curve)) => curve_outcome(curve, &view),
            None => StepOutcome::default(),
        };
        let hashrate = sanitize(outcome.hashrate_hs);
        let mined = clock.advance(dt_s, hashrate, rng);

        let subsidy_sat = if fee_only || mined.blocks == 0 {
            0
        } else {
            subsidy_sum_sat(
                mined.first_height,
                mined.first_height + mined.blocks,
                &chain,
            )
        };
        issued_sat = issued_sat.saturating_add(subsidy_sat);
        let fees_sat = ((fee_btc * SAT_PER_BTC).round() as u64).saturating_mul(mined.blocks);
        let reward_btc = subsidy_sat.saturating_add(fees_sat) as f64 / SAT_PER_BTC;
        let reward_usd = reward_btc * price_usd;
        if let Some(Supply::Agents(p)) = supply.as_mut() {
            p.settle(reward_usd);
            hashrate_by_generation.extend_from_slice(p.hashrate_by_generation_hs());
            installed_by_generation.extend_from_slice(p.installed_hashrate_by_generation_hs());
            p.region_steps(&mut regions);
        }
        // CBECI smooths its profitability threshold over 14 days; an
        // exponential smoother with a 14-day time constant stands in here.
        let hashprice = view.hashprice_usd_per_th_day();
        let w = 1.0 - (-dt_s / (14.0 * 86_400.0)).exp();
        smoothed_hashprice = match smoothed_hashprice {
            None => Some(hashprice),
            Some(h) => Some(h + w * (hashprice - h)),
        };
        let cbeci = cbeci_power_w(
            hashrate,
            smoothed_hashprice.unwrap_or(hashprice),
            date,
            &prepared.cbeci_catalogue,
            sc.metrics.cbeci_energy_price_usd_per_kwh,
        );
        records.push(StepRecord::new(
            sc,
            step,
            date,
            t_s,
            dt_s,
            &view,
            &outcome,
            hashrate,
            clock.difficulty(),
            mined,
            subsidy_sat,
            fees_sat,
            issued_sat,
            cbeci,
        ));
        if let Some(cfg) = &sc.attack {
            attack.push(attack_economics(
                cfg,
                &AttackState {
                    network_hashrate_hs: hashrate,
                    difficulty: clock.difficulty(),
                    hashprice_usd_per_th_day: hashprice,
                    marginal_energy_cost_usd_per_th_day: outcome
                        .marginal_energy_cost_usd_per_th_day,
                    hardware_cost_usd_per_th: outcome.hardware_cost_usd_per_th,
                    best_j_per_th: outcome.best_j_per_th,
                    manufacturing_capacity_mw_per_month: outcome
                        .manufacturing_capacity_mw_per_month,
                },
            ));
        }
    }
    let summary = RunSummary::from_records(sc, &records, clock.retargets());
    Ok(RunResult {
        records,
        retargets: clock.retargets().to_vec(),
        generation_names,
        generation_j_per_th,
        hashrate_by_generation,
        installed_by_generation,
        region_names,
        regions,
        attack,
        summary,
    })
}

/// Blocks until the next subsidy halving after `height`.
fn blocks_to_next_halving(height: u64, chain: &crate::consensus::ChainParams) -> u64 {
    let h = chain.halving_interval_blocks;
    h - (height + 1) % h
}

/// Replaces a non-finite or negative model output with 0.
fn sanitize(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 {
        x
    } else {
        0.0
    }
}

/// Hashrate and energy of a reduced-form supply curve for a step.
fn curve_outcome(curve: &HashSupplyConfig, view: &MarketView) -> StepOutcome {
    let hashrate = curve.hashrate_hs(view);
    let (j_per_th, usd_per_kwh) = curve.energy_terms();
    let power_w = hashrate / 1e12 * j_per_th;
    let energy_kwh = power_w * view.dt_s / 3.6e6;
    let cost_per_th_day = j_per_th * 24.0 / 1000.0 * usd_per_kwh;
    StepOutcome {
        hashrate_hs: hashrate,
        installed_hashrate_hs: hashrate,
        power_w,
        energy_cost_usd: energy_kwh * usd_per_kwh,
        marginal_energy_cost_usd_per_th_day: cost_per_th_day,
        fleet_j_per_th: j_per_th,
        ..StepOutcome::default()
    }
}

/// Expected hashes per block at a difficulty.
pub fn hashes_per_block(difficulty: f64) -> f64 {
    difficulty * HASHES_PER_DIFFICULTY
}
