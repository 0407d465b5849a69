//! The population of mining agents and their fleet, in struct-of-arrays form.
//!
//! # Layout
//!
//! - **Agents** (`agent_*` arrays): group, electricity price (after any
//!   curtailment discount), cost factor `k = pue × 0.024 × (price − heat
//!   credit)` (net energy cost per TH-day per J/TH), cash. Per group, the
//!   agent ids sorted by `k` (investment buyers are a prefix of it).
//! - **Holdings** (`h_*` arrays): the machines of one generation owned by one
//!   agent, with their TH/s, cost per TH-day `c = j × k`, unit-weighted mean
//!   delivery day and price paid. Further purchases of the same generation
//!   are merged into the holding (mean delivery day and price weighted by
//!   TH/s); lifetime retirement uses the mean delivery day, an approximation
//!   that errs by at most half the span of an agent's purchases of one
//!   generation.
//! - **Holding lists**, one per (generation, group), with the holdings sorted
//!   by `c` and prefix sums of effective TH/s and of effective TH/s × power
//!   price. Each step the operating holdings of a list are the prefix with
//!   `c < hashprice` (binary search), and all aggregates come from the prefix
//!   sums: the work per step is O(lists × log holdings), independent of the
//!   number of agents. Lists are re-sorted only when holdings are added
//!   or removed; a top-up changes its holding's TH/s in place (each
//!   holding knows its list position) and the prefix sums are recomputed
//!   from the first changed position on, as far as the operating prefix
//!   reads them.
//! - **Agent books** are kept lazily: each list has difference arrays over
//!   its positions; [`Population::settle`] adds the step's revenue per
//!   effective TH/s and its length in days at the operating prefix's end in
//!   O(1); the cash of the agents is brought up to date ("materialised") at
//!   each review and before a list changes, in O(holdings of the list).
//!
//! # Timing
//!
//! Every step: deliveries due, the operate decision, aggregates. Every
//! `review_interval_days` (and at the first step): books, retirements
//! (lifetime, patience), investment, entry. Patience is checked against the
//! highest hashprice of the reviews within the patience window, so it has the
//! review interval's resolution.
//!
//! # Accounting
//!
//! Agents' cash: + revenue (pro rata to effective operating hashrate) −
//! electricity + heat credit − other costs − hardware paid at order. Cash may
//! become negative (losses on other costs); such agents do not invest. Group
//! profit per step: revenue − electricity + heat credit − other costs −
//! straight-line depreciation of installed hardware.
//!
//! # Finite power
//!
//! A group whose electricity is a supply curve is one region (`Region`):
//! its agents hold sites (power contracts at one price) taken from the
//! curve's cheapest end, and no agent's machines, installed and on order,
//! draw more than its site at the meter (bids in the clearing market carry
//! the site's room as a quantity cap; posted-market orders are cut to it).
//! Entrants take what is left where the curve stands and pay its mean
//! price there; a full region admits nobody. Sites are kept when machines
//! retire, so an agent can refill its own.
//!
//! # Used machines
//!
//! Without `used_market`, machines retire at their generation's lifetime
//! or after `patience_days` idle, and are scrapped. With it, retirement is
//! economic (`Population::retire_economic`): a generation's machines are
//! scrapped at its physical end of life (release + `max_life_years`), and
//! a holding its owner values at no more than the scrap value is offered
//! in a uniform-price clearing to the agents who value it more; what is
//! not sold is scrapped. The market is one-sided: owners who value a
//! machine above the scrap value keep it even if another agent would pay
//! more.
//!
//! Not modelled: exit of agents (an agent without hardware stays, with its
//! cash and its site).

use super::asic::{AsicCatalogue, HardwarePriceModel, DAYS_PER_YEAR};
use super::asic_market::{clear, Bid, SufficientBids};
use super::decisions::{observed_growth_per_year, HashpriceExpectation, NpvCurve, SortedValues};
use super::{
    CapacityGrowthConfig, DifficultyOutlook, ElectricityPrice, Expectation, HardwareMarketConfig,
    MarketView, MinersConfig, MinersError, StepOutcome, UsedMarketConfig, WaitConfig,
    KWH_PER_TH_DAY_PER_J_PER_TH, TWO_POW_32,
};
use crate::market::DailySeries;
use crate::validate::FieldError;
use std::collections::VecDeque;

const NONE: u32 = u32::MAX;
/// An entry round stops after this many consecutive rejected entrants.
const ENTRY_REJECTIONS: u32 = 32;
/// Bidder ids at or above this are candidate entrants (their slot is the
/// id minus this), below it agents.
const ENTRANT_BIDDER: u32 = 1 << 31;
/// Days in a month (a twelfth of the model year, `DAYS_PER_YEAR` = 365.2425 days).
const DAYS_PER_MONTH: f64 = DAYS_PER_YEAR / 12.0;

/// The market for new machines, at run time.
#[derive(Debug, Clone, Copy)]
enum Market {
    /// Posted price, output rationed by NPV.
    Posted { capacity_th_per_day: f64 },
    /// One clearing price per review; the output (which may grow) is
    /// `Population::capacity_w_per_day`.
    Clearing {
        cost_usd_per_w: f64,
        growth: Option<CapacityGrowthConfig>,
    },
}

/// A finite power region (a group whose electricity is a supply curve),
/// at run time: a step function of price against power, filled from the
/// cheapest tier by the sites of its agents, in the order they were taken.
#[derive(Debug, Clone)]
struct Region {
    /// Per tier: power at the meter, W.
    cap_w: Vec<f64>,
    /// Per tier: price, USD/kWh (after any curtailment discount).
    price: Vec<f64>,
    /// W taken by agents' sites (and, during a review, by candidate
    /// entrants' sites until they buy or are turned away).
    used_w: f64,
}

impl Region {
    fn new(tiers: &[super::PowerTier], price_factor: f64) -> Region {
        Region {
            cap_w: tiers.iter().map(|t| t.mw * 1e6).collect(),
            price: tiers.iter().map(|t| t.usd_per_kwh * price_factor).collect(),
            used_w: 0.0,
        }
    }

    fn capacity_w(&self) -> f64 {
        self.cap_w.iter().sum()
    }

    /// W left (0 once less than a billionth of the capacity is).
    fn room_w(&self) -> f64 {
        let total = self.capacity_w();
        let room = total - self.used_w;
        if room > 1e-9 * total {
            room
        } else {
            0.0
        }
    }

    /// The price of the next W taken (`None` when the region is full).
    fn marginal_price(&self) -> Option<f64> {
        (self.room_w() > 0.0).then(|| self.mean_price(self.used_w, self.used_w))
    }

    /// Mean price over the slice `[from, to]` W of the curve (the price at
    /// `from` for an empty slice; the last tier's beyond the end).
    fn mean_price(&self, from: f64, to: f64) -> f64 {
        let last = self.price.last().copied().unwrap_or(0.0);
        let mut acc = 0.0;
        let mut cost = 0.0;
        for (t, &c) in self.cap_w.iter().enumerate() {
            let (lo, hi) = (acc, acc + c);
            acc = hi;
            if to <= from {
                if from < hi {
                    return self.price[t];
                }
                continue;
            }
            let overlap = (to.min(hi) - from.max(lo)).max(0.0);
            cost += overlap * self.price[t];
        }
        if to <= from {
            return last;
        }
        cost += (to - from.max(acc)).max(0.0) * last;
        cost / (to - from)
    }

    /// Takes a site of up to `want_w` from the curve where it stands: the
    /// site's mean price and size, W; `None` when the region is full.
    fn take_site(&mut self, want_w: f64) -> Option<(f64, f64)> {
        let site = want_w.min(self.room_w());
        if !(site > 0.0 && site.is_finite()) {
            return None;
        }
        let price = self.mean_price(self.used_w, self.used_w + site);
        self.used_w += site;
        Some((price, site))
    }

    /// Gives a site back.
    fn release(&mut self, site_w: f64) {
        self.used_w = (self.used_w - site_w).max(0.0);
    }
}

/// A finite power region's state (see [`Population::power_regions`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerRegionState {
    /// Its group's index.
    pub group: usize,
    /// Power of all its tiers at the meter, W.
    pub capacity_w: f64,
    /// Power of its agents' sites, W (at most `capacity_w`).
    pub sites_w: f64,
    /// Power at the meter of its machines, installed and on order, W (at
    /// most `sites_w`).
    pub load_w: f64,
    /// The largest amount by which an agent's load exceeds its site, W
    /// (≤ 0 when every agent is within its site).
    pub max_site_overrun_w: f64,
    /// Price of the next W, USD/kWh (`None` when full).
    pub marginal_price_usd_per_kwh: Option<f64>,
}

/// One step of a finite power region (see [`Population::region_steps`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionStep {
    /// Power of all its tiers at the meter, W.
    pub capacity_w: f64,
    /// Power of its agents' sites, W.
    pub sites_w: f64,
    /// Power at the meter of its machines, installed and on order, W.
    pub load_w: f64,
    /// Facility power of its machines running this step, W.
    pub operating_w: f64,
    /// The part of `operating_w` on interruptible power (a group with a
    /// curtailment contract: all of it; otherwise 0), W.
    pub curtailable_w: f64,
    /// Price of the next W, USD/kWh (`None` when full).
    pub marginal_price_usd_per_kwh: Option<f64>,
}

/// A candidate entrant of a review: its group, power price, and (in a
/// finite power region) the size of the site it holds while it bids, W
/// (infinite elsewhere).
#[derive(Debug, Clone, Copy)]
struct Entrant {
    group: u32,
    usd_per_kwh: f64,
    site_w: f64,
}

#[derive(Debug, Clone)]
struct GroupRuntime {
    electricity: ElectricityPrice,
    share: f64,
    pue: f64,
    heat: f64,
    availability: f64,
    price_factor: f64,
    capital: f64,
    hurdle: f64,
    /// Cost of capital per day: `ln(1 + hurdle)` (continuously compounded)
    /// over a year's days.
    capital_rate_per_day: f64,
    patience_days: f64,
    expectation: Expectation,
    growth: f64,
    outlook: DifficultyOutlook,
    other: f64,
}

impl GroupRuntime {
    fn cost_factor(&self, usd_per_kwh: f64) -> f64 {
        self.pue * KWH_PER_TH_DAY_PER_J_PER_TH * (usd_per_kwh - self.heat)
    }
}

/// Checks the start market view: finite positive difficulty and target
/// spacing, finite non-negative price.
/// The order of agents `a` and `b` in a group's list: by cost factor `ks`,
/// equal factors (as `<` sees them: -0 = 0) by descending id, which is
/// where [`Population::push_agent`]'s insertion puts a later agent.
fn insertion_order(ks: &[f64], a: u32, b: u32) -> std::cmp::Ordering {
    ks[a as usize]
        .partial_cmp(&ks[b as usize])
        .unwrap_or(std::cmp::Ordering::Equal)
        .then(b.cmp(&a))
}

fn check_start(start: &MarketView) -> Result<(), MinersError> {
    if !(start.difficulty.is_finite() && start.difficulty > 0.0) {
        return Err(MinersError::BadStart(format!(
            "difficulty must be finite and > 0, got {}",
            start.difficulty
        )));
    }
    if !(start.price_usd.is_finite() && start.price_usd >= 0.0) {
        return Err(MinersError::BadStart(format!(
            "price must be finite and >= 0, got {}",
            start.price_usd
        )));
    }
    if !(start.target_spacing_s.is_finite() && start.target_spacing_s > 0.0) {
        return Err(MinersError::BadStart(format!(
            "target spacing must be > 0, got {}",
            start.target_spacing_s
        )));
    }
    Ok(())
}

/// The most a buyer should pay now per TH/s of a machine worth `value`
/// (present value per TH/s) when it could instead keep the money for an
/// announced generation worth `next_value` per TH/s at an expected price
/// of `next_price` (both discounted to now): buying now at `p` returns
/// `value / p − 1` per dollar, waiting `next_value / next_price − 1`, so
/// now is worth it up to `p = value / (1 + max(0, next_value / next_price
/// − 1))`. No usable next price: `value`.
pub(crate) fn worth_buying_now(value: f64, next_value: f64, next_price: f64) -> f64 {
    if !(next_price > 0.0 && next_price.is_finite() && next_value.is_finite()) {
        return value;
    }
    value / (1.0 + (next_value / next_price - 1.0).max(0.0))
}

/// The whole units in `q`, at most 2^63: `q.floor().min(2^63) as u64`
/// (0 for negative `q`, 2^63 for NaN), without a call to libm's `floor`
/// (x86-64's baseline has no rounding instruction), which was 4 % of the
/// posted market's daily purchases: truncation is the floor for `q ≥ 0`,
/// and the cast saturates negative values to 0.
fn whole_units(q: f64) -> u64 {
    const CAP: f64 = u64::MAX as f64 / 2.0;
    if q >= CAP || q.is_nan() {
        CAP as u64
    } else {
        q as u64
    }
}

/// What one segment of a list's holdings earns in a cash pass
/// ([`Population::materialize`]): the list's availability, its group's
/// other costs per TH-day, the days since the last pass, and the sums of
/// revenue per effective TH/s and of operating days over the segment.
#[derive(Debug, Clone, Copy)]
struct AccrualRates {
    avail: f64,
    other: f64,
    elapsed: f64,
    acc_r: f64,
    acc_d: f64,
}

impl AccrualRates {
    /// Books the segment's earnings to its owners, from the last holding
    /// down (so an agent with two holdings in the list gets its terms in
    /// the order of the list). The rates are copied into registers, and
    /// the slices are zipped up front: no bounds checks and no reloads in
    /// the loop.
    fn accrue(self, cash: &mut [f64], th: &[f64], agent: &[u32], cost: &[f64]) {
        let AccrualRates {
            avail,
            other,
            elapsed,
            acc_r,
            acc_d,
        } = self;
        for ((&th, &a), &c) in th.iter().zip(agent).zip(cost).rev() {
            cash[a as usize] += th * avail * (acc_r - c * acc_d) - other * th * elapsed;
        }
    }
}

/// A holding's term of `Population::book_end_group`: its straight-line
/// depreciation per day × the day its book value reaches zero.
fn book_end(th: f64, paid_per_th: f64, delivered_day: f64, lifetime_days: f64) -> f64 {
    th * paid_per_th / lifetime_days * (delivered_day + lifetime_days)
}

/// The groups' run-time parameters, in configuration order.
fn group_runtimes(cfg: &MinersConfig) -> Vec<GroupRuntime> {
    cfg.groups
        .iter()
        .map(|g| GroupRuntime {
            electricity: g.electricity.clone(),
            share: g.share,
            pue: g.pue,
            heat: g.heat_reuse_credit_usd_per_kwh,
            availability: g.availability(),
            price_factor: g.price_factor(),
            capital: g.capital_usd,
            hurdle: g.hurdle_rate_per_year,
            capital_rate_per_day: g.hurdle_rate_per_year.ln_1p() / DAYS_PER_YEAR,
            patience_days: g.patience_days,
            expectation: g.expectation,
            growth: g.difficulty_growth_per_year,
            outlook: g.difficulty_outlook,
            other: g.other_cost_usd_per_th_day,
        })
        .collect()
}

/// Running sums of the groups' shares (for drawing an entrant's group).
fn cumulative_shares(groups: &[GroupRuntime]) -> Vec<f64> {
    let mut cum = 0.0;
    groups
        .iter()
        .map(|g| {
            cum += g.share;
            cum
        })
        .collect()
}

/// The operating hashrate the initial fleet is calibrated to, TH/s:
/// `initial_hashrate_eh_s`, or `difficulty × 2^32 / target_spacing`.
fn initial_target_th(cfg: &MinersConfig, start: &MarketView) -> f64 {
    match cfg.initial_hashrate_eh_s {
        Some(eh) => eh * 1e6,
        None => start.difficulty * TWO_POW_32 / start.target_spacing_s / 1e12,
    }
}

/// Holdings of one (generation, group), sorted by cost per TH-day.
#[derive(Debug, Clone, Default)]
struct HoldingList {
    ids: Vec<u32>,
    cost: Vec<f64>,
    /// TH/s and owner of each holding, in list order (copies made at the
    /// rebuild, so that the per-review cash pass streams through memory).
    th: Vec<f64>,
    agent: Vec<u32>,
    /// The owner's power price of each holding, in list order.
    price: Vec<f64>,
    cum_eff: Vec<f64>,
    cum_eff_price: Vec<f64>,
    dirty: bool,
    /// A list that is not `dirty` but whose `th` changed in place (top-ups)
    /// from this position on: `cum_eff[..=p]` and `cum_eff_price[..=p]`
    /// are up to date, the rest is recomputed from there when read
    /// ([`HoldingList::sums_to`]).
    sums_from: Option<usize>,
    /// The first `sorted` ids are in list order (additions since the
    /// last rebuild are appended; a removal resets it to 0).
    sorted: usize,
    op: usize,
    diff_rev: Vec<f64>,
    diff_days: Vec<f64>,
    /// The positions of `diff_rev` and `diff_days` written since the last
    /// materialisation (with repeats): every other entry is zero.
    touched: Vec<u32>,
    accrued: bool,
    elapsed_days: f64,
    /// No holding of the list was delivered before this day, and none
    /// costs more than `max_cost` per TH-day: bounds that let a review
    /// skip a list in which nothing can retire. Kept exact at rebuilds
    /// and retirement scans, widened as holdings are added (a top-up only
    /// moves a holding's delivery day later).
    min_delivered: f64,
    max_cost: f64,
    /// Installed (nominal) TH/s of the list's holdings, kept as holdings
    /// are added and removed.
    installed_th: f64,
}

impl HoldingList {
    /// Brings the prefix sums up to date to position `m` (`cum_eff[m]` and
    /// `cum_eff_price[m]`, the operating prefix's totals) after top-ups in
    /// place: the same operations in the same order as
    /// [`Population::rebuild`], so the same bits, from the first position
    /// topped up and only as far as is read (the sums of switched-off
    /// holdings are brought up to date when they run, or at the next
    /// rebuild).
    fn sums_to(&mut self, m: usize, avail: f64) {
        let Some(from) = self.sums_from else {
            return;
        };
        if m <= from {
            return;
        }
        let (mut e, mut ep) = (self.cum_eff[from], self.cum_eff_price[from]);
        let terms = self.th[from..m]
            .iter()
            .zip(&self.price[from..m])
            .zip(self.cum_eff[from + 1..=m].iter_mut())
            .zip(self.cum_eff_price[from + 1..=m].iter_mut());
        for (((&th, &price), ce), cep) in terms {
            let eff = th * avail;
            e += eff;
            ep += eff * price;
            *ce = e;
            *cep = ep;
        }
        self.sums_from = (m < self.th.len()).then_some(m);
    }
}

/// One group's agents bidding in decreasing value: the next agent to value
/// (`pos` in the group's sorted agents) and the bid of the last one valued
/// that is not taken yet.
#[derive(Debug, Clone, Copy)]
struct BidCursor {
    group: usize,
    pos: usize,
    values: SortedValues,
    head: Option<Bid>,
}

#[derive(Debug, Clone, Copy)]
struct Order {
    agent: u32,
    gen: u32,
    th: f64,
    paid_per_th: f64,
    deliver_day: f64,
}

/// All agents of all groups and their machines. See the module documentation.
#[derive(Debug, Clone)]
pub struct Population {
    catalogue: AsicCatalogue,
    gen_names: Vec<String>,
    gen_j: Vec<f64>,
    gen_lifetime_days: Vec<f64>,
    price_model: HardwarePriceModel,
    groups: Vec<GroupRuntime>,
    group_names: Vec<String>,
    group_cum_share: Vec<f64>,

    market: Market,
    /// Output of the clearing market, W of machine power per day.
    capacity_w_per_day: f64,
    /// New output being built: (first day of output, W per day).
    capacity_builds: VecDeque<(f64, f64)>,
    /// Output by day (MW a month), when it follows a path.
    capacity_path: Option<DailySeries>,
    lag_days: f64,
    free_entry: bool,
    entry_capital: f64,
    max_agents: usize,
    review_days: f64,

    agent_group: Vec<u32>,
    agent_price: Vec<f64>,
    agent_k: Vec<f64>,
    agent_cash: Vec<f64>,
    agent_last_holding: Vec<u32>,
    /// The agent's place in the order the agents were drawn (initial
    /// agents) or entered: the clearing market's order among equal bids,
    /// kept when agents are renumbered.
    agent_rank: Vec<u32>,
    /// Power of the agent's site at the meter, W (infinite outside finite
    /// power regions).
    agent_site_w: Vec<f64>,
    /// Power at the meter of its machines, installed and on order, W.
    agent_load_w: Vec<f64>,
    /// Per group: its finite power region, if its electricity is a supply
    /// curve.
    regions: Vec<Option<Region>>,
    /// Economic scrapping and the used-machine market, if configured.
    used_market: Option<UsedMarketConfig>,
    /// The option to wait for an announced generation (clearing market).
    waiting: Option<WaitConfig>,
    /// Per group, at a clearing review with that option: the value now of
    /// one TH/s of the announced generation bought at its release, and
    /// the price per TH/s expected then, discounted to now at the group's
    /// rate (scratch of `invest_clearing`).
    wait_values: Vec<Option<(NpvCurve, f64)>>,
    /// The last clearing price per W of machine power (the expectation
    /// for an announced generation's price), USD.
    clearing_price_per_w: f64,
    /// The sellers (agent, TH/s) of the generation on the used market at
    /// this review.
    offers: Vec<(u32, f64)>,
    /// This step's used-market sales (TH/s, USD) and scrapped TH/s.
    used_sold_th_step: f64,
    used_sold_usd_step: f64,
    scrapped_th_step: f64,
    group_sorted: Vec<Vec<u32>>,

    h_agent: Vec<u32>,
    h_gen: Vec<u32>,
    h_th: Vec<f64>,
    h_cost: Vec<f64>,
    h_delivered_day: Vec<f64>,
    h_paid_per_th: Vec<f64>,
    /// Each holding's term of `book_end_group` (`book_end` of its TH/s,
    /// price paid, delivery day and lifetime), kept so that a top-up or a
    /// removal takes out exactly what was put in without recomputing it.
    h_book_end: Vec<f64>,
    h_alive: Vec<bool>,
    /// Each holding's position in its list's arrays, as of the list's last
    /// rebuild (meaningless for holdings added since).
    h_pos: Vec<u32>,
    free_holdings: Vec<u32>,
    lists: Vec<HoldingList>,
    orders: VecDeque<Order>,

    installed_th_group: Vec<f64>,
    amort_usd_per_day_group: Vec<f64>,
    /// Per group, `Σ rate × (delivered day + lifetime)` over its holdings,
    /// with `rate` a holding's straight-line depreciation per day: the
    /// book value of the group's machines on day `t` is this minus
    /// `amort_usd_per_day_group × t` (O(1) per step).
    book_end_group: Vec<f64>,
    /// Per group, the price of machines ordered (paid) but not delivered.
    pending_cost_group: Vec<f64>,

    hashrate_by_gen: Vec<f64>,
    /// Installed (nominal) hashrate per generation in the last step, H/s.
    installed_by_gen: Vec<f64>,
    group_profit: Vec<f64>,
    group_op_eff: Vec<f64>,
    /// Facility power of each group's operating machines this step, W.
    group_power_w: Vec<f64>,
    /// Power at the meter of each group's machines, installed and on
    /// order, W (the sum of its agents' `agent_load_w`).
    group_load_w: Vec<f64>,
    /// Per group: whether its power is interruptible (a curtailment
    /// contract), so that its running load counts as curtailable.
    group_curtailable: Vec<bool>,
    group_cost: Vec<f64>,
    op_eff_total: f64,
    dt_days: f64,
    capex_step: f64,
    margin_step: f64,
    /// The last review's clearing price, USD per TH/s (clearing market).
    clearing_price: f64,
    /// Bids of a clearing review, and the candidate entrants' (group,
    /// power price); kept between reviews so reviews do not allocate.
    bids: Vec<Bid>,
    entrants: Vec<Entrant>,
    /// Per group, where its agents' bids stand (scratch of
    /// [`Population::push_top_bids`]).
    bid_cursors: Vec<BidCursor>,
    /// Scratch of [`Population::rebuild`]'s merge.
    merge_buf: Vec<u32>,

    start_day: f64,
    next_review_day: f64,
    review_max_h: f64,
    ring: Vec<f64>,
    ring_pos: usize,
    ring_count: usize,

    /// (day, difficulty) at each review, as far back as the longest
    /// pipeline outlook window needs.
    difficulty_history: VecDeque<(f64, f64)>,
    /// Days of history kept in `difficulty_history` (0: none needed).
    history_days: f64,
    curves: Vec<Option<NpvCurve>>,
    /// Per group: its used-machine curve for the generation the used
    /// market is clearing (scratch of `retire_economic`).
    used_curves: Vec<Option<NpvCurve>>,
    prefix: Vec<usize>,
    head: Vec<usize>,
    head_npv: Vec<f64>,
    /// Per group, its curve's values for agents in increasing cost factor,
    /// as the posted market's buyer head walks them (scratch of
    /// `invest_posted`).
    head_values: Vec<Option<SortedValues>>,
}

impl Population {
    /// Builds the agents and the initial fleet. The initial fleet is
    /// calibrated so that its *operating* hashrate at the start hashprice is
    /// `initial_hashrate_eh_s`, or `difficulty × 2^32 / target_spacing` when
    /// that is absent, with each group holding its `share`. Each agent gets
    /// an equal part of its group's hashrate, spread over the generations of
    /// the vintage mix (released in the last `initial_fleet.years`, weight
    /// `exp(−age / age_decay_years)`) that are profitable for it at the start
    /// hashprice (if none is, the most efficient one of the mix); agents
    /// with nothing profitable are off at the start. Initial machines count
    /// as delivered halfway between their release and the start, bought at
    /// the start price of their generation.
    pub fn new<R: rand::Rng + ?Sized>(
        cfg: &MinersConfig,
        start: &MarketView,
        rng: &mut R,
    ) -> Result<Population, MinersError> {
        cfg.check()?;
        let catalogue = cfg.build_catalogue()?;
        check_start(start)?;
        let mut pop = Population::without_agents(cfg, start, catalogue);
        pop.draw_initial_agents(cfg, start, rng)?;
        pop.seed_initial_fleet(cfg, start)?;
        pop.take_initial_sites(cfg)?;
        pop.rebuild_dirty_lists();
        Ok(pop)
    }

    /// The population's tables (generations, groups, capacity, the review
    /// ring) with no agents, holdings or orders yet.
    fn without_agents(
        cfg: &MinersConfig,
        start: &MarketView,
        catalogue: AsicCatalogue,
    ) -> Population {
        let n_gen = catalogue.len();
        let n_grp = cfg.groups.len();
        let gens = catalogue.generations();
        let gen_names = gens.iter().map(|g| g.name.clone()).collect();
        let gen_j: Vec<f64> = gens.iter().map(|g| g.j_per_th).collect();
        let gen_lifetime_days = gens
            .iter()
            .map(|g| g.lifetime_years * DAYS_PER_YEAR)
            .collect();
        let groups = group_runtimes(cfg);
        let group_cum_share = cumulative_shares(&groups);
        let max_patience = groups.iter().map(|g| g.patience_days).fold(0.0, f64::max);
        let ring_cap = (max_patience / cfg.review_interval_days).ceil() as usize + 1;
        let start_day = start.date.days() as f64 - start.t_s / 86_400.0;
        let now0 = start_day + start.t_s / 86_400.0;
        let n_agents: usize = cfg.groups.iter().map(|g| g.agents).sum();
        let (market, capacity_w_per_day) = match cfg.hardware_market {
            HardwareMarketConfig::Posted => (
                Market::Posted {
                    capacity_th_per_day: cfg.capacity_th_per_month() / DAYS_PER_MONTH,
                },
                0.0,
            ),
            HardwareMarketConfig::Clearing {
                capacity_mw_per_month,
                manufacturing_cost_usd_per_watt,
                capacity_growth,
                ..
            } => (
                Market::Clearing {
                    cost_usd_per_w: manufacturing_cost_usd_per_watt,
                    growth: capacity_growth,
                },
                capacity_mw_per_month * 1e6 / DAYS_PER_MONTH,
            ),
        };

        Population {
            price_model: HardwarePriceModel::new(&cfg.hardware_price, n_gen),
            gen_names,
            gen_j,
            gen_lifetime_days,
            group_names: cfg.groups.iter().map(|g| g.name.clone()).collect(),
            group_cum_share,
            market,
            capacity_w_per_day,
            capacity_builds: VecDeque::new(),
            capacity_path: None,
            lag_days: cfg.delivery_lag_days,
            free_entry: cfg.free_entry,
            entry_capital: cfg.entry_agent_capital_usd,
            max_agents: cfg.max_agents.max(n_agents),
            review_days: cfg.review_interval_days,
            agent_group: Vec::with_capacity(n_agents),
            agent_price: Vec::with_capacity(n_agents),
            agent_k: Vec::with_capacity(n_agents),
            agent_cash: Vec::with_capacity(n_agents),
            agent_last_holding: Vec::with_capacity(n_agents),
            agent_rank: Vec::with_capacity(n_agents),
            agent_site_w: Vec::with_capacity(n_agents),
            agent_load_w: Vec::with_capacity(n_agents),
            used_market: cfg.used_market,
            waiting: cfg.wait_for_next_generation,
            wait_values: vec![None; n_grp],
            clearing_price_per_w: 0.0,
            offers: Vec::new(),
            used_sold_th_step: 0.0,
            used_sold_usd_step: 0.0,
            scrapped_th_step: 0.0,
            regions: cfg
                .groups
                .iter()
                .map(|g| match &g.electricity {
                    ElectricityPrice::SupplyCurve { tiers } => {
                        Some(Region::new(tiers, g.price_factor()))
                    }
                    _ => None,
                })
                .collect(),
            group_sorted: vec![Vec::new(); n_grp],
            h_agent: Vec::new(),
            h_gen: Vec::new(),
            h_th: Vec::new(),
            h_cost: Vec::new(),
            h_delivered_day: Vec::new(),
            h_paid_per_th: Vec::new(),
            h_book_end: Vec::new(),
            h_alive: Vec::new(),
            h_pos: Vec::new(),
            free_holdings: Vec::new(),
            lists: vec![HoldingList::default(); n_gen * n_grp],
            orders: VecDeque::new(),
            installed_th_group: vec![0.0; n_grp],
            amort_usd_per_day_group: vec![0.0; n_grp],
            book_end_group: vec![0.0; n_grp],
            pending_cost_group: vec![0.0; n_grp],
            hashrate_by_gen: vec![0.0; n_gen],
            installed_by_gen: vec![0.0; n_gen],
            group_profit: vec![0.0; n_grp],
            group_op_eff: vec![0.0; n_grp],
            group_power_w: vec![0.0; n_grp],
            group_load_w: vec![0.0; n_grp],
            group_curtailable: cfg.groups.iter().map(|g| g.curtailment.is_some()).collect(),
            group_cost: vec![0.0; n_grp],
            op_eff_total: 0.0,
            dt_days: 0.0,
            capex_step: 0.0,
            margin_step: 0.0,
            clearing_price: 0.0,
            bids: Vec::new(),
            bid_cursors: Vec::new(),
            merge_buf: Vec::new(),
            entrants: Vec::new(),
            start_day,
            next_review_day: now0,
            review_max_h: 0.0,
            ring: vec![0.0; ring_cap],
            ring_pos: 0,
            ring_count: 0,
            difficulty_history: VecDeque::new(),
            history_days: cfg
                .groups
                .iter()
                .map(|g| match g.difficulty_outlook {
                    DifficultyOutlook::Fixed => 0.0,
                    DifficultyOutlook::Pipeline { window_days } => window_days,
                })
                .fold(0.0, f64::max),
            curves: vec![None; n_grp],
            used_curves: vec![None; n_grp],
            prefix: vec![0; n_grp],
            head: vec![0; n_grp],
            head_npv: vec![f64::NEG_INFINITY; n_grp],
            head_values: vec![None; n_grp],
            groups,
            catalogue,
        }
    }

    /// Draws the initial agents, group by group in configuration order,
    /// each with its electricity price and the group's starting capital.
    /// These are the only random draws of [`Population::new`]. In a finite
    /// power region nothing is drawn: agent `i` of `n` pays the price of
    /// the curve over the `i`-th of `n` equal parts of the
    /// group's estimated initial load (its share of the start hashrate at
    /// the vintage mix's mean efficiency and the group's PUE).
    fn draw_initial_agents<R: rand::Rng + ?Sized>(
        &mut self,
        cfg: &MinersConfig,
        start: &MarketView,
        rng: &mut R,
    ) -> Result<(), MinersError> {
        let mut per_agent_w = vec![0.0; cfg.groups.len()];
        if self.regions.iter().any(Option::is_some) {
            let mix = self.initial_vintage_mix(cfg, start)?;
            let w_sum: f64 = mix.iter().map(|x| x.1).sum();
            let j_mean = mix.iter().map(|&(g, w)| self.gen_j[g] * w).sum::<f64>() / w_sum;
            let target_th = initial_target_th(cfg, start);
            for (k, g) in cfg.groups.iter().enumerate() {
                let grp = &self.groups[k];
                per_agent_w[k] =
                    grp.share * target_th / grp.availability.max(1e-9) / g.agents.max(1) as f64
                        * j_mean
                        * grp.pue;
            }
        }
        for (k, g) in cfg.groups.iter().enumerate() {
            for i in 0..g.agents {
                let p = match &self.regions[k] {
                    Some(r) => {
                        r.mean_price(i as f64 * per_agent_w[k], (i + 1) as f64 * per_agent_w[k])
                    }
                    None => g.electricity.draw(rng) * self.groups[k].price_factor,
                };
                let id = self.new_agent(k, p, self.groups[k].capital, f64::INFINITY);
                self.group_sorted[k].push(id as u32);
            }
        }
        self.sort_groups();
        self.number_agents_in_cost_order();
        Ok(())
    }

    /// Renumbers the agents so that ids follow the groups' sorted lists
    /// (group by group, cost factor ascending): the walks over a group's
    /// agents in cost order (buyer heads, bids, the initial fleet, and so
    /// the holdings) then go through the agent arrays in memory order
    /// instead of jumping about them (at 100,000 agents 2.4 times as
    /// fast). No result changes: every choice is made in sorted order;
    /// agents of equal cost factor, which the lists hold in descending id,
    /// are numbered so that they still are; and bids of equal value are
    /// ordered by the agents' draw order (`agent_rank`), not by id (agents
    /// whose cost factors differ in the last bit can bid the same value).
    fn number_agents_in_cost_order(&mut self) {
        let mut perm = vec![0u32; self.agent_group.len()];
        let mut base = 0usize;
        for sorted in &mut self.group_sorted {
            let mut i = 0;
            while i < sorted.len() {
                let k = self.agent_k[sorted[i] as usize];
                let mut j = i + 1;
                while j < sorted.len() && self.agent_k[sorted[j] as usize] == k {
                    j += 1;
                }
                // sorted[i..j] ties: descending old ids get descending new ones.
                for (d, id) in sorted[i..j].iter_mut().enumerate() {
                    let new = base + j - 1 - d;
                    perm[new] = *id;
                    *id = new as u32;
                }
                i = j;
            }
            base += sorted.len();
        }
        fn permute<T: Copy>(v: &mut Vec<T>, perm: &[u32]) {
            *v = perm.iter().map(|&old| v[old as usize]).collect();
        }
        permute(&mut self.agent_group, &perm);
        permute(&mut self.agent_price, &perm);
        permute(&mut self.agent_k, &perm);
        permute(&mut self.agent_cash, &perm);
        permute(&mut self.agent_last_holding, &perm);
        permute(&mut self.agent_rank, &perm);
        permute(&mut self.agent_site_w, &perm);
        permute(&mut self.agent_load_w, &perm);
    }

    /// In each finite power region, gives every initial agent a site of
    /// exactly its initial load, taken from the tiers in the agents' price
    /// order; fails if the region cannot carry its initial fleet.
    fn take_initial_sites(&mut self, cfg: &MinersConfig) -> Result<(), MinersError> {
        for k in 0..self.groups.len() {
            let Some(region) = self.regions[k].as_mut() else {
                continue;
            };
            for &a in &self.group_sorted[k] {
                let a = a as usize;
                self.agent_site_w[a] = self.agent_load_w[a];
                region.used_w += self.agent_load_w[a];
            }
            let needed = region.used_w;
            if needed > region.capacity_w() * (1.0 + 1e-9) {
                return Err(MinersError::Invalid(vec![FieldError {
                    path: format!("miners.groups[{k}].electricity.tiers"),
                    message: format!(
                        "must carry group '{}''s initial fleet: it needs {:.1} MW at the meter, the tiers offer {:.1} MW (add tiers, or lower the group's share or the start hashrate)",
                        cfg.groups[k].name,
                        needed / 1e6,
                        region.capacity_w() / 1e6
                    ),
                }]));
            }
        }
        Ok(())
    }

    /// Gives the initial agents their machines (see [`Population::new`]):
    /// the start hashrate split over the groups by share, and within a
    /// group over its agents that can run something profitably.
    fn seed_initial_fleet(
        &mut self,
        cfg: &MinersConfig,
        start: &MarketView,
    ) -> Result<(), MinersError> {
        let h0 = start.hashprice_usd_per_th_day();
        self.price_model.observe(&self.catalogue, start.date, h0);
        let target_th = initial_target_th(cfg, start);
        let mix = self.initial_vintage_mix(cfg, start)?;
        let best_in_mix = self.most_efficient_in(&mix);
        let start_days = start.date.days() as f64;
        for k in 0..self.groups.len() {
            self.seed_group_fleet(k, &mix, best_in_mix, target_th, h0, start_days);
        }
        Ok(())
    }

    /// The generations of the initial fleet with their weights: those
    /// released in the last `initial_fleet.years`, weighted
    /// `exp(−age / age_decay_years)`; if there are none, the best one
    /// available at the start alone.
    fn initial_vintage_mix(
        &self,
        cfg: &MinersConfig,
        start: &MarketView,
    ) -> Result<Vec<(usize, f64)>, MinersError> {
        let window_days = cfg.initial_fleet.years * DAYS_PER_YEAR;
        let start_days = start.date.days() as f64;
        let mut mix: Vec<(usize, f64)> = self
            .catalogue
            .generations()
            .iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let age = start_days - g.release.days() as f64;
                (age >= 0.0 && age < window_days).then(|| {
                    (
                        i,
                        (-age / DAYS_PER_YEAR / cfg.initial_fleet.age_decay_years).exp(),
                    )
                })
            })
            .collect();
        if mix.is_empty() {
            match self.catalogue.best_available(start.date) {
                Some(g) => mix.push((g, 1.0)),
                None => return Err(MinersError::NoGenerationAtStart(start.date)),
            }
        }
        Ok(mix)
    }

    /// The generation of `mix` with the lowest J/TH (the first of equals).
    fn most_efficient_in(&self, mix: &[(usize, f64)]) -> usize {
        mix.iter()
            .min_by(|a, b| self.gen_j[a.0].total_cmp(&self.gen_j[b.0]))
            .map(|x| x.0)
            .expect("mix is not empty")
    }

    /// Seeds group `k`'s share of `target_th` (operating TH/s at `h0`):
    /// equal parts per agent, scaled up so that the agents with something
    /// profitable in `mix` carry the whole share.
    fn seed_group_fleet(
        &mut self,
        k: usize,
        mix: &[(usize, f64)],
        best_in_mix: usize,
        target_th: f64,
        h0: f64,
        start_days: f64,
    ) {
        let members = self.group_sorted[k].clone();
        let n_prof = members
            .iter()
            .filter(|&&a| {
                mix.iter()
                    .any(|&(g, _)| self.gen_j[g] * self.agent_k[a as usize] < h0)
            })
            .count();
        let scale = if n_prof > 0 {
            members.len() as f64 / n_prof as f64
        } else {
            1.0
        };
        let avail = self.groups[k].availability;
        let per_agent = self.groups[k].share * target_th / (avail * members.len() as f64) * scale;
        for &a in &members {
            self.seed_agent_fleet(a as usize, per_agent, mix, best_in_mix, h0, start_days);
        }
    }

    /// Gives agent `a` `per_agent` TH/s spread over the generations of
    /// `mix` profitable for it at `h0` (or the most efficient one of the
    /// mix if none is), by their weights; the machines count as delivered
    /// halfway between release and start, bought at the start price.
    fn seed_agent_fleet(
        &mut self,
        a: usize,
        per_agent: f64,
        mix: &[(usize, f64)],
        best_in_mix: usize,
        h0: f64,
        start_days: f64,
    ) {
        let ka = self.agent_k[a];
        let gj = &self.gen_j;
        let prof = |g: usize| gj[g] * ka < h0;
        let any = mix.iter().any(|&(g, _)| prof(g));
        let w_sum: f64 = mix
            .iter()
            .filter(|&&(g, _)| if any { prof(g) } else { g == best_in_mix })
            .map(|x| x.1)
            .sum();
        let chosen: Vec<(usize, f64)> = mix
            .iter()
            .copied()
            .filter(|&(g, _)| if any { prof(g) } else { g == best_in_mix })
            .collect();
        for (g, w) in chosen {
            let rel = self.catalogue.generations()[g].release.days() as f64;
            let delivered = rel + 0.5 * (start_days - rel);
            let paid = self.price_model.price_usd_per_th(&self.catalogue, g, h0);
            let th = per_agent * w / w_sum;
            self.add_holding(a, g, th, paid, delivered);
            let w = self.meter_w(a, g, th);
            self.agent_load_w[a] += w;
            self.group_load_w[self.agent_group[a] as usize] += w;
        }
    }

    /// Re-sorts every list changed since its last rebuild (lists topped
    /// up in place bring their prefix sums up to date when read,
    /// [`HoldingList::sums_to`]).
    fn rebuild_dirty_lists(&mut self) {
        for l in 0..self.lists.len() {
            if self.lists[l].dirty {
                self.rebuild(l);
            }
        }
    }

    /// Adds an agent and inserts it into its group's list sorted by cost
    /// factor, before the agents with an equal factor (O(group size): for
    /// entrants, one at a time).
    fn push_agent(&mut self, group: usize, usd_per_kwh: f64, cash: f64, site_w: f64) -> usize {
        let id = self.new_agent(group, usd_per_kwh, cash, site_w);
        let k = self.agent_k[id];
        let ks = &self.agent_k;
        let sorted = &mut self.group_sorted[group];
        let pos = sorted.partition_point(|&b| ks[b as usize] < k);
        sorted.insert(pos, id as u32);
        id
    }

    /// Adds an agent's records, but not to its group's sorted list (the
    /// caller does: [`Population::push_agent`], or the initial draw, which
    /// sorts once with [`Population::sort_groups`]).
    fn new_agent(&mut self, group: usize, usd_per_kwh: f64, cash: f64, site_w: f64) -> usize {
        let id = self.agent_group.len();
        let k = self.groups[group].cost_factor(usd_per_kwh);
        self.agent_group.push(group as u32);
        self.agent_price.push(usd_per_kwh);
        self.agent_k.push(k);
        self.agent_cash.push(cash);
        self.agent_last_holding.push(NONE);
        self.agent_rank.push(id as u32);
        self.agent_site_w.push(site_w);
        self.agent_load_w.push(0.0);
        id
    }

    /// Sorts every group's agents by cost factor, equal factors by
    /// descending id: the order that inserting them one at a time with
    /// [`Population::push_agent`] gives, in O(n log n) instead of O(n²).
    fn sort_groups(&mut self) {
        let ks = &self.agent_k;
        for sorted in &mut self.group_sorted {
            sorted.sort_unstable_by(|&a, &b| insertion_order(ks, a, b));
        }
    }

    /// Power at the meter of `th` TH/s of generation `gen` run by agent `a`, W.
    #[inline]
    fn meter_w(&self, a: usize, gen: usize, th: f64) -> f64 {
        th * self.gen_j[gen] * self.groups[self.agent_group[a] as usize].pue
    }

    /// TH/s of generation `gen` that agent `a`'s site has room for
    /// (infinite outside finite power regions).
    #[inline]
    fn site_room_th(&self, a: usize, gen: usize) -> f64 {
        let site = self.agent_site_w[a];
        if site.is_infinite() {
            return f64::INFINITY;
        }
        ((site - self.agent_load_w[a]) / self.meter_w(a, gen, 1.0)).max(0.0)
    }

    fn list_index(&self, gen: usize, group: usize) -> usize {
        gen * self.groups.len() + group
    }

    /// Brings the cash of the agents of list `l` up to date.
    #[inline]
    fn materialize(&mut self, l: usize) {
        // The common case first, without the group lookup's integer
        // division: nothing booked since the last pass (every delivery
        // but a review's first asks).
        let list = &self.lists[l];
        if !list.accrued && list.elapsed_days == 0.0 {
            return;
        }
        self.materialize_booked(l);
    }

    /// [`Population::materialize`] of a list with a step booked or time
    /// elapsed since its last pass.
    fn materialize_booked(&mut self, l: usize) {
        let k = l % self.groups.len();
        let avail = self.groups[k].availability;
        let other = self.groups[k].other;
        let list = &mut self.lists[l];
        if !list.accrued && (list.elapsed_days == 0.0 || other == 0.0) {
            list.elapsed_days = 0.0;
            return;
        }
        debug_assert!(!list.dirty, "cash accrues only on rebuilt lists");
        let n = list.cost.len();
        let elapsed = list.elapsed_days;
        // Holding i earns the sums of the difference entries above it
        // (positions i + 1 ..= n). Only the touched entries are non-zero,
        // so the sums are constant between them: they are added at the
        // touched positions alone, from the top down, which gives the same
        // bits as adding every entry (a sum of non-negative terms plus
        // +0.0 is itself), and the holdings between two of them are a
        // segment with no chain from one holding to the next.
        list.touched.sort_unstable_by(|a, b| b.cmp(a));
        list.touched.dedup();
        let (mut acc_r, mut acc_d) = (0.0, 0.0);
        let cash = self.agent_cash.as_mut_slice();
        let mut end = n;
        let mut segment = |from: usize, to: usize, acc_r: f64, acc_d: f64| {
            let rates = AccrualRates {
                avail,
                other,
                elapsed,
                acc_r,
                acc_d,
            };
            rates.accrue(
                cash,
                &list.th[from..to],
                &list.agent[from..to],
                &list.cost[from..to],
            );
        };
        for &p in &list.touched {
            let p = p as usize;
            segment(p, end, acc_r, acc_d);
            acc_r += list.diff_rev[p];
            acc_d += list.diff_days[p];
            end = p;
        }
        segment(0, end, acc_r, acc_d);
        for &p in &list.touched {
            list.diff_rev[p as usize] = 0.0;
            list.diff_days[p as usize] = 0.0;
        }
        list.touched.clear();
        list.accrued = false;
        list.elapsed_days = 0.0;
    }

    /// Re-sorts list `l` and recomputes its prefix sums (after materialising).
    fn rebuild(&mut self, l: usize) {
        let k = l % self.groups.len();
        let avail = self.groups[k].availability;
        let list = &mut self.lists[l];
        let (h_cost, h_th, h_agent, agent_price) =
            (&self.h_cost, &self.h_th, &self.h_agent, &self.agent_price);
        let order = |a: &u32, b: &u32| {
            h_cost[*a as usize]
                .total_cmp(&h_cost[*b as usize])
                .then(a.cmp(b))
        };
        // A total order: sorting the holdings added since the last rebuild
        // and merging them into the sorted rest gives the same list as
        // sorting it all.
        let s = list.sorted.min(list.ids.len());
        if s == 0 {
            list.ids.sort_unstable_by(order);
        } else if s < list.ids.len() {
            list.ids[s..].sort_unstable_by(order);
            let buf = &mut self.merge_buf;
            buf.clear();
            let (old, new) = list.ids.split_at(s);
            let (mut i, mut j) = (0, 0);
            while i < old.len() && j < new.len() {
                if order(&new[j], &old[i]).is_lt() {
                    buf.push(new[j]);
                    j += 1;
                } else {
                    buf.push(old[i]);
                    i += 1;
                }
            }
            buf.extend_from_slice(&old[i..]);
            buf.extend_from_slice(&new[j..]);
            list.ids.copy_from_slice(buf);
        }
        list.sorted = list.ids.len();
        list.cost.clear();
        list.th.clear();
        list.agent.clear();
        list.price.clear();
        list.cum_eff.clear();
        list.cum_eff_price.clear();
        list.cum_eff.push(0.0);
        list.cum_eff_price.push(0.0);
        let (mut e, mut ep) = (0.0, 0.0);
        let mut min_delivered = f64::INFINITY;
        for (pos, &id) in list.ids.iter().enumerate() {
            let id = id as usize;
            self.h_pos[id] = pos as u32;
            min_delivered = min_delivered.min(self.h_delivered_day[id]);
            let eff = h_th[id] * avail;
            let price = agent_price[h_agent[id] as usize];
            e += eff;
            ep += eff * price;
            list.cost.push(h_cost[id]);
            list.th.push(h_th[id]);
            list.agent.push(h_agent[id]);
            list.price.push(price);
            list.cum_eff.push(e);
            list.cum_eff_price.push(ep);
        }
        let n = list.ids.len();
        list.min_delivered = min_delivered;
        list.max_cost = list.cost.last().copied().unwrap_or(f64::NEG_INFINITY);
        list.diff_rev.clear();
        list.diff_rev.resize(n + 1, 0.0);
        list.diff_days.clear();
        list.diff_days.resize(n + 1, 0.0);
        list.touched.clear();
        list.op = list.op.min(n);
        list.dirty = false;
        list.sums_from = None;
    }

    /// Adds machines to an agent's holding of `gen` (new holding or top-up).
    fn add_holding(
        &mut self,
        agent: usize,
        gen: usize,
        th: f64,
        paid_per_th: f64,
        delivered_day: f64,
    ) {
        if !(th > 0.0 && th.is_finite()) {
            return;
        }
        let group = self.agent_group[agent] as usize;
        let l = self.list_index(gen, group);
        self.materialize(l);
        let last = self.agent_last_holding[agent];
        let life = self.gen_lifetime_days[gen];
        // The agent's last holding, if it is still the agent's: a retired
        // holding's slot may have been reused by another agent since.
        if last != NONE
            && self.h_alive[last as usize]
            && self.h_agent[last as usize] == agent as u32
            && self.h_gen[last as usize] == gen as u32
        {
            let i = last as usize;
            let old = self.h_th[i];
            let new = old + th;
            let delivered = (old * self.h_delivered_day[i] + th * delivered_day) / new;
            let paid = (old * self.h_paid_per_th[i] + th * paid_per_th) / new;
            let term = book_end(new, paid, delivered, life);
            self.h_delivered_day[i] = delivered;
            self.h_paid_per_th[i] = paid;
            self.h_th[i] = new;
            self.book_end_group[group] -= self.h_book_end[i];
            self.book_end_group[group] += term;
            self.h_book_end[i] = term;
            // In place: the holding keeps its place in the list (same
            // owner, same generation, so the same cost).
            let list = &mut self.lists[l];
            if !list.dirty {
                let p = self.h_pos[i] as usize;
                debug_assert_eq!(list.ids[p] as usize, i);
                list.th[p] = new;
                list.sums_from = Some(list.sums_from.map_or(p, |f| f.min(p)));
            }
        } else {
            let cost = self.gen_j[gen] * self.agent_k[agent];
            let term = book_end(th, paid_per_th, delivered_day, life);
            let id = match self.free_holdings.pop() {
                Some(id) => {
                    let i = id as usize;
                    self.h_agent[i] = agent as u32;
                    self.h_gen[i] = gen as u32;
                    self.h_th[i] = th;
                    self.h_cost[i] = cost;
                    self.h_delivered_day[i] = delivered_day;
                    self.h_paid_per_th[i] = paid_per_th;
                    self.h_book_end[i] = term;
                    self.h_alive[i] = true;
                    id
                }
                None => {
                    self.h_agent.push(agent as u32);
                    self.h_gen.push(gen as u32);
                    self.h_th.push(th);
                    self.h_cost.push(cost);
                    self.h_delivered_day.push(delivered_day);
                    self.h_paid_per_th.push(paid_per_th);
                    self.h_book_end.push(term);
                    self.h_alive.push(true);
                    self.h_pos.push(u32::MAX);
                    (self.h_agent.len() - 1) as u32
                }
            };
            let list = &mut self.lists[l];
            list.ids.push(id);
            list.min_delivered = list.min_delivered.min(delivered_day);
            list.max_cost = list.max_cost.max(cost);
            self.agent_last_holding[agent] = id;
            self.book_end_group[group] += term;
            self.lists[l].dirty = true;
        }
        self.lists[l].installed_th += th;
        self.installed_th_group[group] += th;
        self.amort_usd_per_day_group[group] += th * paid_per_th / life;
    }

    /// Book value of group `k`'s machines on day `now`: straight-line
    /// depreciated prices of the installed machines plus the prices paid
    /// for those not delivered yet, USD.
    fn book_value_usd(&self, k: usize, now: f64) -> f64 {
        let installed = self.book_end_group[k] - self.amort_usd_per_day_group[k] * now;
        installed.max(0.0) + self.pending_cost_group[k]
    }

    fn now_day(&self, view: &MarketView) -> f64 {
        self.start_day + view.t_s / 86_400.0
    }

    fn deliver_due(&mut self, now: f64) {
        while let Some(o) = self.orders.front().copied() {
            if o.deliver_day > now + 1e-9 {
                break;
            }
            self.orders.pop_front();
            let k = self.agent_group[o.agent as usize] as usize;
            self.pending_cost_group[k] =
                (self.pending_cost_group[k] - o.th * o.paid_per_th).max(0.0);
            self.add_holding(
                o.agent as usize,
                o.gen as usize,
                o.th,
                o.paid_per_th,
                o.deliver_day,
            );
        }
    }

    /// Decides for this step: deliveries, (at review times) retirements,
    /// purchases and entry, then which holdings run. Returns the step's
    /// aggregates. Allocates only when vectors grow (new agents, holdings,
    /// orders).
    pub fn step<R: rand::Rng + ?Sized>(&mut self, view: &MarketView, rng: &mut R) -> StepOutcome {
        let h = view.hashprice_usd_per_th_day();
        let now = self.now_day(view);
        let dt = if view.dt_s.is_finite() {
            view.dt_s.max(0.0) / 86_400.0
        } else {
            0.0
        };
        self.dt_days = dt;
        self.capex_step = 0.0;
        self.margin_step = 0.0;
        self.used_sold_th_step = 0.0;
        self.used_sold_usd_step = 0.0;
        self.scrapped_th_step = 0.0;
        self.price_model.observe(&self.catalogue, view.date, h);
        self.review_max_h = self.review_max_h.max(h);

        self.deliver_due(now);
        if now + 1e-9 >= self.next_review_day {
            self.review(view, h, now, rng);
            self.next_review_day = now + self.review_days;
            self.deliver_due(now);
        }
        self.rebuild_dirty_lists();

        // Operate: per list, the prefix with cost < hashprice.
        let n_grp = self.groups.len();
        self.hashrate_by_gen.iter_mut().for_each(|x| *x = 0.0);
        self.installed_by_gen.iter_mut().for_each(|x| *x = 0.0);
        self.group_op_eff.iter_mut().for_each(|x| *x = 0.0);
        self.group_power_w.iter_mut().for_each(|x| *x = 0.0);
        self.group_cost.iter_mut().for_each(|x| *x = 0.0);
        let mut out = StepOutcome::default();
        let (mut op_eff, mut asic_w, mut marginal) = (0.0, 0.0, f64::NEG_INFINITY);
        let (mut energy_day, mut heat_day) = (0.0, 0.0);
        for (l, list) in self.lists.iter_mut().enumerate() {
            if list.cost.is_empty() {
                list.op = 0;
                continue;
            }
            self.installed_by_gen[l / n_grp] += list.installed_th * 1e12;
            let m = list.cost.partition_point(|&c| c < h);
            list.op = m;
            if m == 0 {
                continue;
            }
            let (g, k) = (l / n_grp, l % n_grp);
            let grp = &self.groups[k];
            list.sums_to(m, grp.availability);
            let eff = list.cum_eff[m];
            let jp = self.gen_j[g] * grp.pue;
            let e = jp * KWH_PER_TH_DAY_PER_J_PER_TH * list.cum_eff_price[m];
            let ht = jp * KWH_PER_TH_DAY_PER_J_PER_TH * grp.heat * eff;
            energy_day += e;
            heat_day += ht;
            out.power_w += jp * eff;
            asic_w += self.gen_j[g] * eff;
            op_eff += eff;
            self.group_op_eff[k] += eff;
            self.group_power_w[k] += jp * eff;
            self.group_cost[k] += (e - ht) * dt;
            self.hashrate_by_gen[g] += eff * 1e12;
            marginal = marginal.max(list.cost[m - 1]);
        }
        let mut installed = 0.0;
        let mut other_day = 0.0;
        let mut amort_day = 0.0;
        let mut capital_day = 0.0;
        for k in 0..n_grp {
            // Cost of capital: the rate the group discounts at, continuously
            // compounded, on the book value of its machines.
            capital_day += self.groups[k].capital_rate_per_day * self.book_value_usd(k, now);
            let o = self.groups[k].other * self.installed_th_group[k];
            other_day += o;
            amort_day += self.amort_usd_per_day_group[k];
            installed += self.installed_th_group[k];
            self.group_cost[k] += (o + self.amort_usd_per_day_group[k]) * dt;
        }
        self.op_eff_total = op_eff;
        out.hashrate_hs = op_eff * 1e12;
        out.installed_hashrate_hs = installed * 1e12;
        out.energy_cost_usd = energy_day * dt;
        out.heat_credit_usd = heat_day * dt;
        out.capex_usd = self.capex_step;
        out.amortised_capex_usd = amort_day * dt;
        out.capital_charge_usd = capital_day * dt;
        out.other_cost_usd = other_day * dt;
        out.switched_off_share = if installed > 0.0 {
            (1.0 - op_eff / installed).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out.marginal_energy_cost_usd_per_th_day = if marginal.is_finite() { marginal } else { 0.0 };
        let best = self.catalogue.best_available(view.date);
        out.best_j_per_th = best.map_or(0.0, |g| self.gen_j[g]);
        match self.market {
            Market::Posted {
                capacity_th_per_day,
            } => {
                out.hardware_cost_usd_per_th = best.map_or(0.0, |g| {
                    self.price_model.price_usd_per_th(&self.catalogue, g, h)
                });
                out.manufacturing_capacity_mw_per_month = best.map_or(0.0, |g| {
                    capacity_th_per_day * DAYS_PER_MONTH * self.gen_j[g] / 1e6
                });
                out.manufacturer_margin_usd = None;
            }
            Market::Clearing { .. } => {
                out.hardware_cost_usd_per_th = self.clearing_price;
                out.manufacturing_capacity_mw_per_month =
                    self.capacity_w_per_day * DAYS_PER_MONTH / 1e6;
                out.manufacturer_margin_usd = Some(self.margin_step);
            }
        }
        out.fleet_j_per_th = if op_eff > 0.0 { asic_w / op_eff } else { 0.0 };
        out.used_sold_th = self.used_sold_th_step;
        out.used_sold_usd = self.used_sold_usd_step;
        out.scrapped_th = self.scrapped_th_step;
        out.marginal_power_price_usd_per_kwh = self
            .regions
            .iter()
            .flatten()
            .filter_map(Region::marginal_price)
            .reduce(f64::min);
        out
    }

    /// Books, retirements, investment and entry.
    fn review<R: rand::Rng + ?Sized>(&mut self, view: &MarketView, h: f64, now: f64, rng: &mut R) {
        for l in 0..self.lists.len() {
            self.materialize(l);
        }
        // Patience window: highest hashprice per review.
        let cap = self.ring.len();
        self.ring[self.ring_pos] = self.review_max_h;
        self.ring_pos = (self.ring_pos + 1) % cap;
        self.ring_count = (self.ring_count + 1).min(cap);
        self.review_max_h = 0.0;
        if self.history_days > 0.0 {
            self.difficulty_history.push_back((now, view.difficulty));
            while self
                .difficulty_history
                .get(1)
                .is_some_and(|&(d, _)| now - d >= self.history_days)
            {
                self.difficulty_history.pop_front();
            }
        }
        match self.used_market {
            None => self.retire(now),
            Some(u) => self.retire_economic(view, now, &u),
        }
        self.invest(view, h, now, rng);
    }

    fn window_max(&self, patience_days: f64) -> Option<f64> {
        let n = ((patience_days / self.review_days).ceil() as usize).clamp(1, self.ring.len());
        if self.ring_count < n {
            return None;
        }
        let cap = self.ring.len();
        Some(
            (1..=n)
                .map(|i| self.ring[(self.ring_pos + cap - i) % cap])
                .fold(0.0, f64::max),
        )
    }

    fn retire(&mut self, now: f64) {
        let n_grp = self.groups.len();
        for l in 0..self.lists.len() {
            if self.lists[l].ids.is_empty() {
                continue;
            }
            let (g, k) = (l / n_grp, l % n_grp);
            let patience = self.groups[k].patience_days;
            let wmax = self.window_max(patience);
            let life = self.gen_lifetime_days[g];
            // Skip the scan when the list's bounds say nothing can retire.
            let list = &self.lists[l];
            let oldest = now - list.min_delivered;
            let may_idle = wmax.is_some_and(|w| list.max_cost >= w) && oldest >= patience;
            if oldest < life && !may_idle {
                continue;
            }
            let mut ids = std::mem::take(&mut self.lists[l].ids);
            let before = ids.len();
            let (mut min_delivered, mut max_cost) = (f64::INFINITY, f64::NEG_INFINITY);
            ids.retain(|&id| {
                let i = id as usize;
                let age = now - self.h_delivered_day[i];
                let idle = wmax.is_some_and(|w| self.h_cost[i] >= w) && age >= patience;
                if age >= life || idle {
                    self.scrapped_th_step += self.h_th[i];
                    self.remove_holding(i, g, k);
                    false
                } else {
                    min_delivered = min_delivered.min(self.h_delivered_day[i]);
                    max_cost = max_cost.max(self.h_cost[i]);
                    true
                }
            });
            self.lists[l].min_delivered = min_delivered;
            self.lists[l].max_cost = max_cost;
            self.put_back_list(l, ids, before);
        }
    }

    /// Takes holding `i` (of generation `g`, group `k`) out of its group's
    /// books and loads and frees its slot; the caller removes it from its
    /// list.
    fn remove_holding(&mut self, i: usize, g: usize, k: usize) {
        let life = self.gen_lifetime_days[g];
        self.book_end_group[k] -= self.h_book_end[i];
        self.h_alive[i] = false;
        let a = self.h_agent[i] as usize;
        let w = self.h_th[i] * self.gen_j[g] * self.groups[k].pue;
        self.agent_load_w[a] = (self.agent_load_w[a] - w).max(0.0);
        self.group_load_w[k] = (self.group_load_w[k] - w).max(0.0);
        self.installed_th_group[k] -= self.h_th[i];
        let l = self.list_index(g, k);
        self.lists[l].installed_th = (self.lists[l].installed_th - self.h_th[i]).max(0.0);
        self.amort_usd_per_day_group[k] -= self.h_th[i] * self.h_paid_per_th[i] / life;
        self.free_holdings.push(i as u32);
    }

    /// Puts list `l`'s holdings back after some of its `before` were
    /// removed: marks it for a rebuild, and zeroes its group's sums when
    /// the group has no holding left (rounding residue).
    fn put_back_list(&mut self, l: usize, ids: Vec<u32>, before: usize) {
        let n_grp = self.groups.len();
        let k = l % n_grp;
        if ids.len() != before {
            self.lists[l].dirty = true;
            self.lists[l].sorted = 0;
            if ids.is_empty() {
                // Rounding residue of the removals.
                self.lists[l].installed_th = 0.0;
                let any_left = self
                    .lists
                    .iter()
                    .enumerate()
                    .any(|(m, x)| m % n_grp == k && m != l && !x.ids.is_empty());
                if !any_left {
                    self.installed_th_group[k] = 0.0;
                    self.amort_usd_per_day_group[k] = 0.0;
                    self.book_end_group[k] = 0.0;
                }
            }
        }
        self.lists[l].ids = ids;
    }

    /// The value of keeping a used TH/s of generation `g` for the rest of
    /// its physical life (`remaining_days`), as a function of the holder's
    /// cost factor: group `k`'s NPV curve with no delivery lag and no price.
    fn used_curve(
        &self,
        k: usize,
        view: &MarketView,
        g: usize,
        remaining_days: f64,
        pending_th: f64,
    ) -> NpvCurve {
        self.group_curve(k, view, g, remaining_days, 0.0, 0.0, pending_th)
    }

    /// Economic scrapping and the used market, at a review. Per
    /// generation: machines past their physical life (release +
    /// `max_life_years`) are scrapped; a holding whose owner values it
    /// (the NPV of running it for the rest of that life, at its own power
    /// price, discount rate and expectation) at no more than the scrap
    /// value is offered. The offered machines of a generation are sold in
    /// one uniform-price clearing ([`clear`]) at a price of at least the
    /// scrap value to the agents who value them above it (bidding that
    /// value, their cash, and their site's room); the sellers share the
    /// proceeds pro rata and what is not sold is scrapped. Trades move
    /// machines, never make or lose them: each buyer gets a holding of
    /// the same generation, delivered now, at the clearing price.
    fn retire_economic(&mut self, view: &MarketView, now: f64, u: &UsedMarketConfig) {
        let n_grp = self.groups.len();
        let n_gen = self.gen_j.len();
        let scrap = u.scrap_value_usd_per_th;
        let max_life = u.max_life_years * DAYS_PER_YEAR;
        let pending_th = if self.history_days > 0.0 {
            self.pending_th()
        } else {
            0.0
        };
        let mut offers = std::mem::take(&mut self.offers);
        let mut bids = std::mem::take(&mut self.bids);
        for g in 0..n_gen {
            let release = self.catalogue.generations()[g].release.days() as f64;
            let remaining = release + max_life - now;
            offers.clear();
            let mut offered_th = 0.0;
            // Each group's curve for this generation, built when first
            // needed (by its owners, then by its buyers).
            self.used_curves.iter_mut().for_each(|c| *c = None);
            for k in 0..n_grp {
                let l = self.list_index(g, k);
                if self.lists[l].ids.is_empty() {
                    continue;
                }
                let curve = (remaining > 0.0).then(|| {
                    let c = self.used_curve(k, view, g, remaining, pending_th);
                    self.used_curves[k] = Some(c);
                    c
                });
                let mut ids = std::mem::take(&mut self.lists[l].ids);
                let before = ids.len();
                ids.retain(|&id| {
                    let i = id as usize;
                    let keep = curve.is_some_and(|c| {
                        c.value_per_th(self.agent_k[self.h_agent[i] as usize]) > scrap
                    });
                    if !keep {
                        if remaining > 0.0 {
                            offers.push((self.h_agent[i], self.h_th[i]));
                            offered_th += self.h_th[i];
                        } else {
                            self.scrapped_th_step += self.h_th[i];
                        }
                        self.remove_holding(i, g, k);
                    }
                    keep
                });
                self.put_back_list(l, ids, before);
            }
            if offers.is_empty() {
                continue;
            }
            // Buyers: agents who value a used machine above the scrap
            // value (values fall along each group's agents, sorted by
            // cost factor).
            bids.clear();
            for k in 0..n_grp {
                if self.used_curves[k].is_none() {
                    self.used_curves[k] = Some(self.used_curve(k, view, g, remaining, pending_th));
                }
            }
            let mut cursors = std::mem::take(&mut self.bid_cursors);
            self.push_top_bids(
                &mut bids,
                &mut cursors,
                g,
                &self.used_curves,
                scrap,
                offered_th,
            );
            self.bid_cursors = cursors;
            let c = clear(&mut bids, offered_th, scrap);
            let mut sold = 0.0;
            for (i, bid) in bids.iter().enumerate().take(c.buyers) {
                let th = c.quantity_of(i, bid);
                if !(th > 0.0 && th.is_finite()) {
                    continue;
                }
                let a = bid.bidder as usize;
                let cost = th * c.price_usd_per_th;
                self.agent_cash[a] = (self.agent_cash[a] - cost).max(0.0);
                self.add_holding(a, g, th, c.price_usd_per_th, now);
                let w = self.meter_w(a, g, th);
                self.agent_load_w[a] += w;
                self.group_load_w[self.agent_group[a] as usize] += w;
                sold += th;
            }
            let sold = sold.min(offered_th);
            // Sellers share the proceeds pro rata to what they offered.
            let share = if offered_th > 0.0 {
                sold / offered_th
            } else {
                0.0
            };
            for &(a, th) in &offers {
                self.agent_cash[a as usize] += th * share * c.price_usd_per_th;
            }
            self.used_sold_th_step += sold;
            self.used_sold_usd_step += sold * c.price_usd_per_th;
            self.scrapped_th_step += offered_th - sold;
        }
        self.offers = offers;
        self.bids = bids;
    }

    fn invest<R: rand::Rng + ?Sized>(&mut self, view: &MarketView, h: f64, now: f64, rng: &mut R) {
        // Summed once per review, and only if a group's outlook uses it.
        let pending_th = if self.history_days > 0.0 {
            self.pending_th()
        } else {
            0.0
        };
        match self.market {
            Market::Posted {
                capacity_th_per_day,
            } => self.invest_posted(view, h, now, capacity_th_per_day, pending_th, rng),
            Market::Clearing {
                cost_usd_per_w,
                growth,
            } => {
                self.bring_capacity_online(now);
                if let Some(path) = &self.capacity_path {
                    let mw = path.value_on_day_clamped(view.date.days());
                    self.capacity_w_per_day = mw.max(0.0) * 1e6 / DAYS_PER_MONTH;
                }
                let margin = self.invest_clearing(view, now, cost_usd_per_w, pending_th, rng);
                if let Some(g) = growth {
                    self.build_capacity(margin, &g, now);
                }
            }
        }
    }

    /// Growth of difficulty per year over the last `window_days` (see
    /// [`observed_growth_per_year`]).
    fn observed_growth(&self, now: f64, difficulty: f64, window_days: f64) -> Option<f64> {
        observed_growth_per_year(&self.difficulty_history, now, difficulty, window_days)
    }

    /// The finite power regions' state, one per group with a supply curve
    /// (not for the step loop: it sums over the agents).
    pub fn power_regions(&self) -> Vec<PowerRegionState> {
        let load = &self.group_load_w;
        self.regions
            .iter()
            .enumerate()
            .filter_map(|(k, r)| {
                r.as_ref().map(|r| PowerRegionState {
                    group: k,
                    capacity_w: r.capacity_w(),
                    sites_w: r.used_w,
                    load_w: load[k],
                    max_site_overrun_w: self
                        .agent_group
                        .iter()
                        .enumerate()
                        .filter(|&(_, &g)| g as usize == k)
                        .map(|(a, _)| self.agent_load_w[a] - self.agent_site_w[a])
                        .fold(f64::NEG_INFINITY, f64::max),
                    marginal_price_usd_per_kwh: r.marginal_price(),
                })
            })
            .collect()
    }

    /// Names of the finite power regions (the groups with a supply curve),
    /// in group order: the order of [`Population::region_steps`].
    pub fn region_names(&self) -> Vec<String> {
        self.regions
            .iter()
            .zip(&self.group_names)
            .filter(|(r, _)| r.is_some())
            .map(|(_, n)| n.clone())
            .collect()
    }

    /// Appends this step's record of each finite power region to `out`
    /// (after [`Population::step`]; O(regions), no allocation beyond the
    /// vector's growth).
    pub fn region_steps(&self, out: &mut Vec<RegionStep>) {
        for (k, r) in self.regions.iter().enumerate() {
            if let Some(r) = r {
                let operating = self.group_power_w[k];
                out.push(RegionStep {
                    capacity_w: r.capacity_w(),
                    sites_w: r.used_w,
                    load_w: self.group_load_w[k],
                    operating_w: operating,
                    curtailable_w: if self.group_curtailable[k] {
                        operating
                    } else {
                        0.0
                    },
                    marginal_price_usd_per_kwh: r.marginal_price(),
                });
            }
        }
    }

    /// The largest gap, over the agents, between an agent's booked load
    /// (power at the meter of its machines installed and on order, which
    /// bounds its site) and the load of the holdings and orders that are
    /// its own, W. Zero up to rounding; for tests and checks (it walks
    /// every agent, holding and order).
    pub fn load_accounting_gap_w(&self) -> f64 {
        let mut own = vec![0.0; self.agent_load_w.len()];
        for i in 0..self.h_th.len() {
            if self.h_alive[i] {
                let a = self.h_agent[i] as usize;
                own[a] += self.meter_w(a, self.h_gen[i] as usize, self.h_th[i]);
            }
        }
        for o in &self.orders {
            let a = o.agent as usize;
            own[a] += self.meter_w(a, o.gen as usize, o.th);
        }
        own.iter()
            .zip(&self.agent_load_w)
            .map(|(o, l)| (o - l).abs())
            .fold(0.0, f64::max)
    }

    /// TH/s ordered and not yet delivered.
    fn pending_th(&self) -> f64 {
        self.orders.iter().map(|o| o.th).sum()
    }

    /// The group's NPV curve for generation `g` bought now at `price`.
    /// `pending_th` (TH/s on order) matters only to the pipeline outlook.
    fn npv_curve(
        &self,
        k: usize,
        view: &MarketView,
        g: usize,
        price: f64,
        pending_th: f64,
    ) -> NpvCurve {
        let (life, lag) = (self.gen_lifetime_days[g], self.lag_days);
        self.group_curve(k, view, g, life, lag, price, pending_th)
    }

    /// Group `k`'s NPV curve for machines of generation `g` run for
    /// `life_days` from `lag_days` on, bought at `price`.
    #[allow(clippy::too_many_arguments)]
    fn group_curve(
        &self,
        k: usize,
        view: &MarketView,
        g: usize,
        life_days: f64,
        lag_days: f64,
        price: f64,
        pending_th: f64,
    ) -> NpvCurve {
        let grp = &self.groups[k];
        let exp = self.expectation(k, view, pending_th);
        NpvCurve::new(
            &exp,
            grp.hurdle,
            life_days,
            lag_days,
            self.gen_j[g],
            grp.availability,
            grp.other,
            price,
        )
    }

    /// The option to wait, at a clearing review selling generation `g`:
    /// if it is configured and a more efficient generation is released
    /// within `announce_days`, fills `wait_values` for every group (the
    /// value now of one TH/s of it bought at its release and delivered a
    /// lag later, on the group's own expectation and discount rate, and
    /// its expected price then, discounted to now: the last clearing
    /// price per W, at least the unit cost `cost_usd_per_w`, times its
    /// J/TH) and returns true.
    fn value_waiting(
        &mut self,
        view: &MarketView,
        now: f64,
        g: usize,
        cost_usd_per_w: f64,
        pending_th: f64,
    ) -> bool {
        let Some(w) = self.waiting else {
            return false;
        };
        let next = (0..self.gen_j.len())
            .filter(|&n| {
                let rel = self.catalogue.generations()[n].release.days() as f64;
                rel > now && rel <= now + w.announce_days && self.gen_j[n] < self.gen_j[g]
            })
            .min_by(|&a, &b| {
                let rel = |n: usize| self.catalogue.generations()[n].release.days();
                rel(a)
                    .cmp(&rel(b))
                    .then(self.gen_j[a].total_cmp(&self.gen_j[b]))
            });
        let Some(n) = next else {
            return false;
        };
        let wait_days = self.catalogue.generations()[n].release.days() as f64 - now;
        let price = self.clearing_price_per_w.max(cost_usd_per_w) * self.gen_j[n];
        for k in 0..self.groups.len() {
            let (life, lag) = (self.gen_lifetime_days[n], self.lag_days + wait_days);
            let curve = self.group_curve(k, view, n, life, lag, price, pending_th);
            let disc = (1.0 + self.groups[k].hurdle.max(0.0)).powf(-wait_days / DAYS_PER_YEAR);
            self.wait_values[k] = Some((curve, price * disc));
        }
        true
    }

    /// Every agent's bid for generation `g` when waiting for the next one
    /// is an option ([`worth_buying_now`]): values no longer fall along a
    /// group's agents for certain, so each agent with a value above the
    /// machine's own value floor is valued and [`clear`] sorts the bids.
    fn push_waiting_bids(&self, bids: &mut Vec<Bid>, g: usize, floor: f64) {
        for k in 0..self.groups.len() {
            let Some(curve) = self.curves[k].as_ref() else {
                continue;
            };
            let mut values = curve.sorted_values();
            let mut next = self.wait_values[k].map(|(c, p)| (c.sorted_values(), p));
            for &a in &self.group_sorted[k] {
                let kk = self.agent_k[a as usize];
                let v = values.value_per_th(kk);
                if v <= floor {
                    // Values fall along the agents, and waiting only lowers them.
                    break;
                }
                let value = match next.as_mut() {
                    Some((nv, p)) => worth_buying_now(v, nv.value_per_th(kk), *p),
                    None => v,
                };
                if value > floor {
                    bids.extend(self.agent_bid(a, g, value));
                }
            }
        }
    }

    /// Pushes onto `bids` the agents' bids for TH/s of generation `g`, from
    /// the highest value down, as many as a clearing of `supply_th` TH/s
    /// against them and the bids already in `bids` (entrants') can reach
    /// ([`SufficientBids`]): the bids left out have values below the
    /// clearing price, so [`clear`] gives the same result as with every
    /// agent's bid, and a review values only the agents near the top
    /// instead of all of them. Group `k`'s values come from `curves[k]`
    /// (no curve: no bids); an agent bids if its value is above `floor`
    /// and it has cash and room on its site. Within a group values fall
    /// along its agents (sorted by cost factor), so the groups' bids are
    /// merged in decreasing value.
    fn push_top_bids(
        &self,
        bids: &mut Vec<Bid>,
        cursors: &mut Vec<BidCursor>,
        g: usize,
        curves: &[Option<NpvCurve>],
        floor: f64,
        supply_th: f64,
    ) {
        // The clearing's own order, so the merge takes bids as it serves them.
        let desc = Bid::by_value_desc;
        bids.sort_unstable_by(desc);
        let entrants = bids.len();
        let mut next_entrant = 0;
        cursors.clear();
        for (k, c) in curves.iter().enumerate() {
            if let Some(c) = c {
                let mut cur = BidCursor {
                    group: k,
                    pos: 0,
                    values: c.sorted_values(),
                    head: None,
                };
                cur.head = self.next_bid(&mut cur, g, floor);
                cursors.push(cur);
            }
        }
        let mut need = SufficientBids::new(supply_th);
        loop {
            // The highest bid not taken: an entrant's or a group's head.
            let mut best: Option<(Bid, Option<usize>)> =
                bids[..entrants].get(next_entrant).map(|b| (*b, None));
            for (i, c) in cursors.iter().enumerate() {
                if let Some(h) = c.head {
                    if best.is_none_or(|(b, _)| desc(&h, &b).is_lt()) {
                        best = Some((h, Some(i)));
                    }
                }
            }
            let Some((bid, from)) = best else { break };
            if !need.needs(bid.value_usd_per_th) {
                break;
            }
            need.take(&bid);
            match from {
                None => next_entrant += 1,
                Some(i) => {
                    bids.push(bid);
                    let cur = &mut cursors[i];
                    cur.head = self.next_bid(cur, g, floor);
                }
            }
        }
    }

    /// The next bid of `cur`'s group for generation `g` above `floor`
    /// (agents without cash or room skipped), `None` when the group's
    /// values have fallen to the floor.
    fn next_bid(&self, cur: &mut BidCursor, g: usize, floor: f64) -> Option<Bid> {
        let sorted = &self.group_sorted[cur.group];
        while let Some(&a) = sorted.get(cur.pos) {
            let value = cur.values.value_per_th(self.agent_k[a as usize]);
            if value <= floor {
                cur.pos = sorted.len();
                return None;
            }
            cur.pos += 1;
            if let Some(bid) = self.agent_bid(a, g, value) {
                return Some(bid);
            }
        }
        None
    }

    /// Agent `a`'s bid of `value` per TH/s for generation `g`: its cash
    /// and its site's room; `None` without either.
    fn agent_bid(&self, a: u32, g: usize, value: f64) -> Option<Bid> {
        let cash = self.agent_cash[a as usize];
        let room = self.site_room_th(a as usize, g);
        (cash > 0.0 && room > 0.0).then(|| Bid {
            max_th: room,
            rank: self.agent_rank[a as usize],
            ..Bid::uncapped(a, value, cash)
        })
    }

    /// Group `k`'s expected hashprice path as of `view` (`pending_th`,
    /// TH/s on order, matters only to the pipeline outlook).
    fn expectation(&self, k: usize, view: &MarketView, pending_th: f64) -> HashpriceExpectation {
        let grp = &self.groups[k];
        match grp.outlook {
            DifficultyOutlook::Fixed => {
                HashpriceExpectation::from_view(view, grp.expectation, grp.growth)
            }
            DifficultyOutlook::Pipeline { window_days } => {
                let now = self.now_day(view);
                let growth = self
                    .observed_growth(now, view.difficulty, window_days)
                    .unwrap_or(grp.growth);
                let network_th =
                    view.difficulty * TWO_POW_32 / view.target_spacing_s.max(1.0) / 1e12;
                HashpriceExpectation::from_view(view, grp.expectation, growth).with_pipeline(
                    network_th,
                    pending_th,
                    self.lag_days,
                )
            }
        }
    }

    /// Draws one candidate entrant: its group and power price. In a
    /// finite power region it takes a site of up to the power of machines
    /// drawing `j_th` W (J/TH × TH/s, at the region's PUE) from where the
    /// curve stands, and pays its mean price there; `None` if the region
    /// is full.
    /// Give the site back with [`Population::release_site`] unless the
    /// entrant becomes an agent.
    fn draw_entrant<R: rand::Rng + ?Sized>(&mut self, rng: &mut R, j_th: f64) -> Option<Entrant> {
        use rand::RngExt;
        let u: f64 = rng.random();
        let k = self
            .group_cum_share
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.groups.len() - 1);
        let grp = &self.groups[k];
        match self.regions[k].as_mut() {
            None => Some(Entrant {
                group: k as u32,
                usd_per_kwh: grp.electricity.draw(rng) * grp.price_factor,
                site_w: f64::INFINITY,
            }),
            Some(region) => {
                let (usd_per_kwh, site_w) = region.take_site(j_th * grp.pue)?;
                Some(Entrant {
                    group: k as u32,
                    usd_per_kwh,
                    site_w,
                })
            }
        }
    }

    /// Gives a candidate entrant's site back to its region (nothing
    /// outside finite power regions, or for a site already given back).
    fn release_site(&mut self, e: &Entrant) {
        if e.site_w.is_finite() && e.site_w > 0.0 {
            if let Some(r) = self.regions[e.group as usize].as_mut() {
                r.release(e.site_w);
            }
        }
    }

    /// The clearing market's review: every agent whose value of a new
    /// machine is above the manufacturers' unit cost bids it with all its
    /// cash; with free entry, candidate entrants are drawn (rejecting those
    /// for whom a machine is worth less than its unit cost) until their
    /// capital alone could buy the whole output at unit cost, and bid
    /// theirs. One price clears the review's output; entrants who buy
    /// become agents.
    /// Returns the review's margin, USD.
    fn invest_clearing<R: rand::Rng + ?Sized>(
        &mut self,
        view: &MarketView,
        now: f64,
        cost_usd_per_w: f64,
        pending_th: f64,
        rng: &mut R,
    ) -> f64 {
        let Some(g) = self.catalogue.best_available(view.date) else {
            return 0.0;
        };
        let j = self.gen_j[g];
        let reserve = cost_usd_per_w * j;
        let supply_th = self.capacity_w_per_day * self.review_days / j;
        self.clearing_price = reserve;
        if !(reserve > 0.0 && reserve.is_finite() && supply_th > 0.0) {
            return 0.0;
        }
        let mut bids = std::mem::take(&mut self.bids);
        let mut entrants = std::mem::take(&mut self.entrants);
        bids.clear();
        entrants.clear();
        for k in 0..self.groups.len() {
            self.curves[k] = Some(self.npv_curve(k, view, g, reserve, pending_th));
        }
        let waiting = self.value_waiting(view, now, g, cost_usd_per_w, pending_th);
        if self.free_entry {
            let needed = supply_th * reserve;
            let mut capital = 0.0;
            let mut rejections = 0;
            while self.agent_group.len() + entrants.len() < self.max_agents
                && capital < needed
                && rejections < ENTRY_REJECTIONS
            {
                // At a price of at least the reserve, its capital buys at
                // most capital / reserve TH/s: the site it asks for.
                let e = self.draw_entrant(rng, self.entry_capital / reserve * j);
                let value = e.map_or(f64::NEG_INFINITY, |e| {
                    let k = e.group as usize;
                    let kk = self.groups[k].cost_factor(e.usd_per_kwh);
                    self.curves[k].as_ref().map_or(f64::NEG_INFINITY, |c| {
                        let v = c.value_per_th(kk);
                        match self.wait_values[k] {
                            Some((next, p)) if waiting => {
                                worth_buying_now(v, next.value_per_th(kk), p)
                            }
                            _ => v,
                        }
                    })
                });
                match e {
                    Some(e) if value > reserve => {
                        let max_th = if e.site_w.is_finite() {
                            e.site_w / (j * self.groups[e.group as usize].pue)
                        } else {
                            f64::INFINITY
                        };
                        bids.push(Bid {
                            max_th,
                            ..Bid::uncapped(
                                ENTRANT_BIDDER + entrants.len() as u32,
                                value,
                                self.entry_capital,
                            )
                        });
                        entrants.push(e);
                        capital += self.entry_capital;
                        rejections = 0;
                    }
                    _ => {
                        if let Some(e) = e {
                            self.release_site(&e);
                        }
                        rejections += 1;
                    }
                }
            }
        }
        // The agents' bids, after the entrants' (drawn first: they do not
        // depend on the agents' bids), only as many as the clearing needs.
        if waiting {
            self.push_waiting_bids(&mut bids, g, reserve);
        } else {
            let mut cursors = std::mem::take(&mut self.bid_cursors);
            self.push_top_bids(&mut bids, &mut cursors, g, &self.curves, reserve, supply_th);
            self.bid_cursors = cursors;
        }
        let c = clear(&mut bids, supply_th, reserve);
        self.clearing_price = c.price_usd_per_th;
        self.clearing_price_per_w = c.price_usd_per_th / j;
        for (i, bid) in bids.iter().enumerate().take(c.buyers) {
            let th = c.quantity_of(i, bid);
            if th.is_nan() || th <= 0.0 {
                continue;
            }
            let agent = if bid.bidder >= ENTRANT_BIDDER {
                let slot = (bid.bidder - ENTRANT_BIDDER) as usize;
                let e = entrants[slot];
                // Bought: the site stays taken.
                entrants[slot].site_w = 0.0;
                self.push_agent(
                    e.group as usize,
                    e.usd_per_kwh,
                    self.entry_capital,
                    e.site_w,
                )
            } else {
                bid.bidder as usize
            };
            self.order_th(agent, g, th, c.price_usd_per_th, now);
        }
        // Turned-away entrants give their sites back.
        for e in &entrants {
            self.release_site(e);
        }
        let margin = (c.price_usd_per_th - reserve) * c.quantity_th;
        self.margin_step += margin;
        self.bids = bids;
        self.entrants = entrants;
        margin
    }

    /// Makes the clearing market's output follow `series` (MW a month by
    /// day, e.g. loaded from `hardware_market.capacity_path`), from the
    /// next review on; the day's value is used, the first or last value
    /// outside the series.
    pub fn set_capacity_path(&mut self, series: DailySeries) {
        self.capacity_path = Some(series);
    }

    /// Starts the output whose build lag is over.
    fn bring_capacity_online(&mut self, now: f64) {
        while let Some(&(day, w)) = self.capacity_builds.front() {
            if day > now + 1e-9 {
                break;
            }
            self.capacity_builds.pop_front();
            self.capacity_w_per_day += w;
        }
    }

    /// Spends the reinvested share of a review's `margin` on new output,
    /// which starts after the build lag; the output in use decays at
    /// `decay_per_year` over the review interval.
    fn build_capacity(&mut self, margin: f64, g: &CapacityGrowthConfig, now: f64) {
        if g.decay_per_year > 0.0 {
            self.capacity_w_per_day *= (-g.decay_per_year * self.review_days / DAYS_PER_YEAR).exp();
        }
        let mw_per_month = g.reinvested_margin_share * margin.max(0.0) / g.usd_per_mw_per_month;
        if mw_per_month > 0.0 && mw_per_month.is_finite() {
            let w_per_day = mw_per_month * 1e6 / DAYS_PER_MONTH;
            self.capacity_builds
                .push_back((now + g.build_lag_days, w_per_day));
            if g.build_lag_days == 0.0 {
                self.bring_capacity_online(now);
            }
        }
    }

    fn invest_posted<R: rand::Rng + ?Sized>(
        &mut self,
        view: &MarketView,
        h: f64,
        now: f64,
        capacity_th_per_day: f64,
        pending_th: f64,
        rng: &mut R,
    ) {
        let Some(g) = self.catalogue.best_available(view.date) else {
            return;
        };
        let price = self.price_model.price_usd_per_th(&self.catalogue, g, h);
        let unit_th = self.catalogue.generations()[g].th_per_unit;
        let unit_price = price * unit_th;
        if !(unit_price > 0.0 && unit_price.is_finite()) {
            return;
        }
        let cap_units_f = (capacity_th_per_day * self.review_days / unit_th).floor();
        let mut cap_units = if cap_units_f >= u64::MAX as f64 {
            u64::MAX
        } else {
            cap_units_f as u64
        };
        if cap_units == 0 {
            return;
        }
        // Buyers of a group are the prefix of its agents (sorted by cost
        // factor) with NPV > 0, in decreasing NPV. Capacity goes to the
        // highest NPV first: a merge over the groups' prefixes that computes
        // NPVs only for agents actually served (skipping agents whose cash
        // does not buy one unit).
        for k in 0..self.groups.len() {
            let curve = self.npv_curve(k, view, g, price, pending_th);
            self.curves[k] = Some(curve);
            self.head_values[k] = Some(curve.sorted_values());
            let agent_k = &self.agent_k;
            self.prefix[k] = self.group_sorted[k]
                .partition_point(|&a| curve.npv_per_th(agent_k[a as usize]) > 0.0);
            self.head[k] = 0;
            self.advance_head(k, unit_price);
        }
        while cap_units > 0 {
            let mut best = None;
            let mut best_npv = 0.0;
            for k in 0..self.groups.len() {
                if self.head[k] < self.prefix[k] && (best.is_none() || self.head_npv[k] > best_npv)
                {
                    best = Some(k);
                    best_npv = self.head_npv[k];
                }
            }
            let Some(k) = best else { break };
            let a = self.group_sorted[k][self.head[k]] as usize;
            let units = whole_units(
                (self.agent_cash[a] / unit_price).min(self.site_room_th(a, g) / unit_th),
            )
            .min(cap_units);
            if units > 0 {
                self.place_order(a, g, units, unit_th, price, now);
                cap_units -= units;
            }
            self.head[k] += 1;
            self.advance_head(k, unit_price);
        }

        if !self.free_entry {
            return;
        }
        let mut rejections = 0;
        while self.agent_group.len() < self.max_agents
            && cap_units > 0
            && rejections < ENTRY_REJECTIONS
        {
            let want_th = (self.entry_capital / unit_price).floor() * unit_th;
            let Some(e) = self.draw_entrant(rng, want_th * self.gen_j[g]) else {
                rejections += 1;
                continue;
            };
            let k = e.group as usize;
            let kk = self.groups[k].cost_factor(e.usd_per_kwh);
            let npv = self.curves[k]
                .as_ref()
                .map_or(f64::NEG_INFINITY, |c| c.npv_per_th(kk));
            let site_units = if e.site_w.is_finite() {
                e.site_w / (self.gen_j[g] * self.groups[k].pue) / unit_th * (1.0 + 1e-12)
            } else {
                f64::INFINITY
            };
            let units =
                whole_units((self.entry_capital / unit_price).min(site_units)).min(cap_units);
            if npv > 0.0 && units >= 1 {
                let a = self.push_agent(k, e.usd_per_kwh, self.entry_capital, e.site_w);
                self.place_order(a, g, units, unit_th, price, now);
                cap_units -= units;
                rejections = 0;
            } else {
                self.release_site(&e);
                rejections += 1;
            }
        }
    }

    /// Moves group `k`'s buyer head past agents that cannot pay for one
    /// unit and caches the NPV per TH/s of the agent there.
    #[inline]
    fn advance_head(&mut self, k: usize, unit_price: f64) {
        let sorted = &self.group_sorted[k];
        let mut h = self.head[k];
        while h < self.prefix[k] && self.agent_cash[sorted[h] as usize] < unit_price {
            h += 1;
        }
        self.head[k] = h;
        // The head only moves to agents of higher cost factors, so the
        // sorted values take O(1) amortised per agent (not the curve's 64
        // terms each).
        self.head_npv[k] = match (h < self.prefix[k], self.head_values[k].as_mut()) {
            (true, Some(v)) => {
                v.value_per_th(self.agent_k[sorted[h] as usize]) - v.price_usd_per_th()
            }
            _ => f64::NEG_INFINITY,
        };
    }

    /// Orders `th` TH/s of generation `gen` for `agent` at `price` per
    /// TH/s (the clearing market: quantities are continuous), paid now
    /// from its cash (never below zero: the payment is at most the budget
    /// bid, up to rounding).
    #[inline]
    fn order_th(&mut self, agent: usize, gen: usize, th: f64, price: f64, now: f64) {
        let cost = th * price;
        self.agent_cash[agent] = (self.agent_cash[agent] - cost).max(0.0);
        let w = self.meter_w(agent, gen, th);
        self.agent_load_w[agent] += w;
        self.group_load_w[self.agent_group[agent] as usize] += w;
        self.capex_step += cost;
        self.pending_cost_group[self.agent_group[agent] as usize] += cost;
        self.orders.push_back(Order {
            agent: agent as u32,
            gen: gen as u32,
            th,
            paid_per_th: price,
            deliver_day: now + self.lag_days,
        });
    }

    #[inline]
    fn place_order(
        &mut self,
        agent: usize,
        gen: usize,
        units: u64,
        unit_th: f64,
        price: f64,
        now: f64,
    ) {
        self.order_th(agent, gen, units as f64 * unit_th, price, now);
    }

    /// After blocks are drawn: shares the realised reward of the step (USD)
    /// pro rata to effective operating hashrate, books it to the agents
    /// (lazily) and sets the groups' profit of the step.
    pub fn settle(&mut self, realized_reward_usd: f64) {
        let r = if realized_reward_usd.is_finite() {
            realized_reward_usd.max(0.0)
        } else {
            0.0
        };
        let rho = if self.op_eff_total > 0.0 {
            r / self.op_eff_total
        } else {
            0.0
        };
        let dt = self.dt_days;
        for list in &mut self.lists {
            if list.cost.is_empty() {
                continue;
            }
            if list.op > 0 {
                list.diff_rev[list.op] += rho;
                list.diff_days[list.op] += dt;
                list.touched.push(list.op as u32);
                list.accrued = true;
            }
            list.elapsed_days += dt;
        }
        for k in 0..self.groups.len() {
            self.group_profit[k] = rho * self.group_op_eff[k] - self.group_cost[k];
        }
    }

    /// Names of the generations (catalogue and future), in catalogue order.
    pub fn generation_names(&self) -> &[String] {
        &self.gen_names
    }

    /// Operating (effective) hashrate per generation in the last step, H/s.
    pub fn hashrate_by_generation_hs(&self) -> &[f64] {
        &self.hashrate_by_gen
    }

    /// Installed (nominal, idle machines included) hashrate per generation
    /// in the last step, H/s.
    pub fn installed_hashrate_by_generation_hs(&self) -> &[f64] {
        &self.installed_by_gen
    }

    /// Efficiency of each generation at the ASIC, J/TH (catalogue order).
    pub fn generation_j_per_th(&self) -> &[f64] {
        &self.gen_j
    }

    /// Names of the groups.
    pub fn group_names(&self) -> &[String] {
        &self.group_names
    }

    /// Profit per group in the last settled step, USD (revenue − electricity
    /// + heat credit − other costs − depreciation).
    pub fn group_profit_usd(&self) -> &[f64] {
        &self.group_profit
    }

    /// Number of agents (initial and entered).
    pub fn agent_count(&self) -> usize {
        self.agent_group.len()
    }

    /// The run's catalogue.
    pub fn catalogue(&self) -> &AsicCatalogue {
        &self.catalogue
    }

    /// Cash per agent, USD, as of the last review (books are brought up to
    /// date at reviews).
    pub fn agent_cash_usd(&self) -> &[f64] {
        &self.agent_cash
    }

    /// Electricity price per agent (after any curtailment discount), USD/kWh.
    pub fn agent_power_price_usd_per_kwh(&self) -> &[f64] {
        &self.agent_price
    }

    /// Hashrate ordered but not yet delivered, TH/s.
    pub fn pending_orders_th(&self) -> f64 {
        self.pending_th()
    }

    /// Number of live holdings (agent × generation).
    pub fn holding_count(&self) -> usize {
        self.lists.iter().map(|l| l.ids.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region() -> Region {
        // 100 MW at 0.02 and 300 MW at 0.04 USD/kWh; a 25 % discount.
        let tiers = [
            super::super::PowerTier {
                mw: 100.0,
                usd_per_kwh: 0.02,
            },
            super::super::PowerTier {
                mw: 300.0,
                usd_per_kwh: 0.04,
            },
        ];
        Region::new(&tiers, 0.75)
    }

    #[test]
    fn sites_pay_the_mean_price_of_their_slice_of_the_curve() {
        let mut r = region();
        assert_eq!(r.capacity_w(), 400e6);
        assert_eq!(r.marginal_price(), Some(0.015));
        // 50 MW in the first tier.
        assert_eq!(r.take_site(50e6), Some((0.015, 50e6)));
        // 100 MW across the boundary: half at 0.015, half at 0.03.
        let (p, w) = r.take_site(100e6).unwrap();
        assert_eq!(w, 100e6);
        assert!((p - 0.0225).abs() < 1e-15, "{p}");
        assert_eq!(r.marginal_price(), Some(0.03));
        // What is left, 250 MW, whatever is asked for.
        assert_eq!(r.take_site(1e9), Some((0.03, 250e6)));
        assert_eq!(r.marginal_price(), None);
        assert_eq!(r.take_site(1.0), None);
        // A site given back reopens the curve where it ends.
        r.release(250e6);
        assert_eq!(r.marginal_price(), Some(0.03));
        assert_eq!(r.used_w, 150e6);
    }

    #[test]
    fn whole_units_is_the_saturated_floor() {
        let cap = u64::MAX as f64 / 2.0;
        let floor_units = |q: f64| q.floor().min(cap) as u64;
        let mut qs = vec![
            0.0,
            -0.0,
            -0.5,
            -1.0,
            -1e300,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NAN,
            0.999_999_999_999_999_9,
            1.0,
            1.5,
            2.0_f64.powi(52) + 0.5,
            2.0_f64.powi(53),
            cap,
            cap * (1.0 - f64::EPSILON),
            cap * 2.0,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        let mut x = 0.123_f64;
        for _ in 0..2_000 {
            x = (x * 1.618_033_988_749_895 + 0.377) % 1.0;
            qs.push(10f64.powf(x * 40.0 - 10.0));
            qs.push(-10f64.powf(x * 5.0));
        }
        for q in qs {
            assert_eq!(whole_units(q), floor_units(q), "q = {q:e}");
        }
    }

    #[test]
    fn sorting_once_gives_the_order_of_inserting_one_at_a_time() {
        // Cost factors with many ties (and a -0 beside a 0), as the
        // fixed and empirical distributions give.
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut ks: Vec<f64> = (0..2_000)
            .map(|_| (rng.random_range(0..20) as f64) * 0.001)
            .collect();
        ks[7] = -0.0;
        ks[9] = 0.0;
        let mut inserted: Vec<u32> = Vec::new();
        for (id, &k) in ks.iter().enumerate() {
            let pos = inserted.partition_point(|&b| ks[b as usize] < k);
            inserted.insert(pos, id as u32);
        }
        let mut sorted: Vec<u32> = (0..ks.len() as u32).collect();
        sorted.sort_unstable_by(|&a, &b| insertion_order(&ks, a, b));
        assert_eq!(inserted, sorted);
    }

    #[test]
    fn the_price_on_a_tier_boundary_is_the_next_tiers() {
        let r = region();
        assert_eq!(r.mean_price(100e6, 100e6), 0.03);
        assert_eq!(r.mean_price(99e6, 99e6), 0.015);
        // Beyond the curve: the last tier's price.
        assert_eq!(r.mean_price(500e6, 500e6), 0.03);
        assert!((r.mean_price(350e6, 450e6) - 0.03).abs() < 1e-15);
    }
}
