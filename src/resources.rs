//! Resource bounds of a batch: an estimate of its peak memory, and the
//! memory the machine has available, so a front end can refuse a batch
//! that would not fit before starting it (exit 2 with both figures)
//! instead of aborting half-way for want of memory.
//!
//! The estimate counts the large allocations, as upper bounds where the
//! size depends on the values:
//!
//! * records in flight: a batch runs [`CHUNK_RUNS`] runs (at most its jobs)
//!   before folding them, each holding `steps` [`StepRecord`]s and, for
//!   agent runs, `steps × generations` hashrates, plus the per-step
//!   regions and `[attack]` records where the scenario has them;
//! * Monte Carlo bands: `steps × metrics` [`BandCell`]s, each with a
//!   quantile sketch of at most [`BYTES_PER_BUCKET`] bytes per distinct
//!   bucket, and never more buckets than values folded into the cell
//!   (the runs of the batch, or of every point of a design with combined
//!   bands); then the report's copy of their numbers and its charts;
//! * one summary row per run, and the full results of `keep_runs` runs;
//! * the agent population of every run in flight, up to `max_agents` agents
//!   of [`BYTES_PER_AGENT`] each;
//! * the address space the allocator and the threads reserve.
//!
//! Checked against measured peaks by `tests/memory_limits.rs`
//! (`the_memory_estimate_bounds_the_measured_peak`).

use crate::batch::{BandCell, RunRow, BAND_METRICS, CHUNK_RUNS};
use crate::engine::StepRecord;
use crate::miners::{AttackEconomics, ElectricityPrice, RegionStep};
use crate::scenario::Scenario;
use crate::stats::{BYTES_PER_BUCKET, SKETCH_MAX_BUCKETS};
use std::mem::size_of;

/// Bytes per agent of a population: the agent arrays (group, electricity
/// price, cost factor, cash, last holding, sorted index: 36 bytes) plus a
/// few hardware holdings of about 50 bytes each (agent, generation, TH/s,
/// cost, delivery day, price paid, alive flag, list entries).
pub const BYTES_PER_AGENT: u64 = 256;

/// ASIC generations assumed for the per-generation hashrate series of an
/// agent run (the shipped catalogue plus future releases).
pub const TYPICAL_GENERATIONS: u64 = 32;

/// Bytes per step of the report and its charts: the SVG and HTML text and
/// the chart series (a one-run, 1,000,000-step batch wrote 335 MB of them).
pub const REPORT_BYTES_PER_STEP: u64 = 1024;

/// Address space reserved apart from the data: the program and its first
/// heap.
pub const BASE_BYTES: u64 = 64 << 20;
/// Address space each worker thread reserves: a stack and an allocator
/// arena (glibc reserves 64 MiB of address space for each arena; this
/// counts under `ulimit -v`).
pub const BYTES_PER_THREAD: u64 = 72 << 20;

/// What a batch runs, for [`estimate_batch_memory_bytes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchShape {
    /// Jobs (runs of every point) of the batch.
    pub jobs: u64,
    /// Runs whose full results are kept and written.
    pub keep_runs: u64,
    /// Values folded into each band cell: the runs of a plain batch, all
    /// jobs of a design with combined bands, 0 where no bands are kept.
    pub band_runs: u64,
    /// Worker threads.
    pub threads: u64,
}

/// Estimated peak memory, in bytes, of a batch of `scenario` with the given
/// shape. Saturates instead of overflowing; see the module documentation
/// for what is counted.
pub fn estimate_batch_memory_bytes(scenario: &Scenario, shape: &BatchShape) -> u64 {
    let steps = scenario.simulation.steps();
    let jobs = shape.jobs.max(1);
    let keep_runs = shape.keep_runs.min(jobs);
    let in_flight = jobs.min(CHUNK_RUNS);
    let (agents, regions) = scenario.miners.as_ref().map_or((0, 0), |m| {
        let start: u64 = m.groups.iter().map(|g| g.agents as u64).sum();
        let regions = m
            .groups
            .iter()
            .filter(|g| matches!(g.electricity, ElectricityPrice::SupplyCurve { .. }))
            .count() as u64;
        (start.max(m.max_agents as u64), regions)
    });
    let mut per_step = size_of::<StepRecord>() as u64;
    if agents > 0 {
        // Operating and installed hashrate per generation.
        per_step += 2 * TYPICAL_GENERATIONS * size_of::<f64>() as u64;
    }
    per_step += regions * size_of::<RegionStep>() as u64;
    if scenario.attack.is_some() {
        per_step += size_of::<AttackEconomics>() as u64;
    }
    let per_run = steps.saturating_mul(per_step);
    let population = agents.saturating_mul(BYTES_PER_AGENT);

    let cells = steps.saturating_mul(BAND_METRICS.len() as u64);
    let bands = if shape.band_runs == 0 {
        0
    } else {
        let buckets = shape.band_runs.min(2 * SKETCH_MAX_BUCKETS as u64);
        // The cell, its sketch's buckets (two allocations), and the
        // report's mean and five quantiles of it.
        let cell = size_of::<BandCell>() as u64 + BYTES_PER_BUCKET * buckets + 32 + 6 * 8;
        cells
            .saturating_mul(cell)
            .saturating_add(steps.saturating_mul(REPORT_BYTES_PER_STEP))
    };
    let rows = jobs.saturating_mul(size_of::<RunRow>() as u64);

    in_flight
        .saturating_mul(per_run.saturating_add(population))
        .saturating_add(keep_runs.saturating_mul(per_run))
        .saturating_add(bands)
        .saturating_add(rows)
        .saturating_add(BASE_BYTES)
        .saturating_add(shape.threads.saturating_mul(BYTES_PER_THREAD))
}

/// Memory this process can still allocate, in bytes: the least of the
/// machine's `MemAvailable` (`/proc/meminfo`), the room under the
/// process's address-space limit (`ulimit -v`: the soft limit of
/// `/proc/self/limits` less `VmSize` of `/proc/self/status`) and the room
/// in its cgroup (v2 `memory.max` less `memory.current`, as a container's
/// or a Kubernetes pod's memory limit sets it). `None` where none of them
/// is readable (not Linux).
pub fn available_memory_bytes() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let machine = read("/proc/meminfo").and_then(|t| parse_mem_available(&t));
    let address_space = read("/proc/self/limits")
        .and_then(|t| parse_address_space_limit(&t))
        .map(|limit| {
            let used = read("/proc/self/status")
                .and_then(|t| parse_status_kb(&t, "VmSize:"))
                .unwrap_or(0);
            limit.saturating_sub(used)
        });
    let cgroup = read("/proc/self/cgroup")
        .and_then(|t| cgroup_v2_path(&t))
        .and_then(|p| {
            let dir = format!("/sys/fs/cgroup{p}");
            let max = read(&format!("{dir}/memory.max"))?
                .trim()
                .parse::<u64>()
                .ok()?;
            let current = read(&format!("{dir}/memory.current"))
                .and_then(|t| t.trim().parse::<u64>().ok())
                .unwrap_or(0);
            Some(max.saturating_sub(current))
        });
    [machine, address_space, cgroup].into_iter().flatten().min()
}

/// The soft "Max address space" of a `/proc/self/limits` text, in bytes
/// (`None` when unlimited or absent).
fn parse_address_space_limit(limits: &str) -> Option<u64> {
    let line = limits
        .lines()
        .find_map(|l| l.strip_prefix("Max address space"))?;
    line.split_whitespace().next()?.parse().ok()
}

/// A `Key:   <n> kB` line of `/proc/self/status`, in bytes.
fn parse_status_kb(status: &str, key: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix(key))?;
    let n: u64 = line.split_whitespace().next()?.parse().ok()?;
    n.checked_mul(1024)
}

/// The cgroup v2 path (`0::/path`) of a `/proc/self/cgroup` text.
fn cgroup_v2_path(cgroup: &str) -> Option<String> {
    cgroup
        .lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(|p| p.trim().trim_end_matches('/').to_string())
}

/// `MemAvailable: <n> kB` of a `/proc/meminfo` text, in bytes.
fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?;
    let mut parts = line.split_whitespace();
    let n: u64 = parts.next()?.parse().ok()?;
    let unit = match parts.next() {
        Some("kB") | Some("KB") | Some("kb") => 1024,
        None => 1,
        Some(_) => return None,
    };
    n.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;
    use std::path::Path;

    fn batch(jobs: u64, keep_runs: u64) -> BatchShape {
        BatchShape {
            jobs,
            keep_runs,
            band_runs: jobs,
            threads: 2,
        }
    }

    fn scenario(extra: &str, supply: &str) -> Scenario {
        let text = format!(
            "[start]\ndate = \"2026-01-01\"\nheight = 930342\ndifficulty = 1.48e14\n\
             {extra}\n[price]\nmodel = \"constant\"\nprice_usd = 90000\n{supply}"
        );
        parse_scenario(&text, Path::new("r.toml")).unwrap()
    }

    const FIXED: &str = "[hash_supply]\nmodel = \"fixed\"\nhashrate_eh_s = 1000";

    fn agents(n: usize) -> String {
        format!(
            "[miners]\nmax_agents = {n}\n[[miners.groups]]\nname = \"a\"\nshare = 1\nagents = {n}\n\
             electricity = {{ distribution = \"fixed\", usd_per_kwh = 0.05 }}"
        )
    }

    #[test]
    fn limits_are_parsed() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max stack size            8388608              unlimited            bytes     \n\
                      Max address space         4294967296           unlimited            bytes     \n";
        assert_eq!(parse_address_space_limit(limits), Some(4_294_967_296));
        let unlimited =
            "Max address space         unlimited            unlimited            bytes\n";
        assert_eq!(parse_address_space_limit(unlimited), None);
        assert_eq!(
            parse_status_kb("Name:\tminesim\nVmSize:\t  12345 kB\n", "VmSize:"),
            Some(12_345 * 1024)
        );
        assert_eq!(
            cgroup_v2_path("0::/kubepods/pod1/\n"),
            Some("/kubepods/pod1".into())
        );
        assert_eq!(cgroup_v2_path("0::/\n"), Some(String::new()));
        assert_eq!(cgroup_v2_path("12:memory:/x\n"), None);
    }

    #[test]
    fn grows_with_steps_runs_kept_runs_and_agents() {
        let short = scenario("[simulation]\nyears = 1", FIXED);
        let long = scenario("[simulation]\nyears = 10", FIXED);
        let fixed = BASE_BYTES + 2 * BYTES_PER_THREAD;
        let a = estimate_batch_memory_bytes(&short, &batch(100, 0));
        assert!(estimate_batch_memory_bytes(&long, &batch(100, 0)) - fixed > 9 * (a - fixed));
        assert!(estimate_batch_memory_bytes(&short, &batch(1000, 0)) > a);
        assert!(estimate_batch_memory_bytes(&short, &batch(100, 10)) > a);
        let crowd = scenario("[simulation]\nyears = 1", &agents(100_000));
        let few = scenario("[simulation]\nyears = 1", &agents(10));
        assert!(
            estimate_batch_memory_bytes(&crowd, &batch(100, 0))
                >= estimate_batch_memory_bytes(&few, &batch(100, 0))
                    + 64 * 99_990 * BYTES_PER_AGENT
        );
    }

    #[test]
    fn plausible_magnitude() {
        // Ten years of daily steps, 1000 runs: records of 64 runs in flight
        // (a few tens of MB) plus the bands (a few hundred MB at most).
        let sc = scenario("[simulation]\nyears = 10", FIXED);
        let b = estimate_batch_memory_bytes(&sc, &batch(1000, 1));
        assert!(b > 10 << 20 && b < 2 << 30, "{b}");
        // Keeping more runs than there are counts only the runs.
        assert_eq!(
            estimate_batch_memory_bytes(&sc, &batch(10, 10)),
            estimate_batch_memory_bytes(&sc, &batch(10, 1000))
        );
    }

    #[test]
    fn never_overflows() {
        let sc = scenario(
            "[simulation]\nyears = 1000\nstep_days = 0.37",
            &agents(100_000).replace("max_agents = 100000", "max_agents = 1000000"),
        );
        let b = estimate_batch_memory_bytes(&sc, &batch(u64::MAX, u64::MAX));
        assert!(b > 1 << 40);
    }

    #[test]
    fn reads_mem_available() {
        let text = "MemTotal:       16303716 kB\nMemFree:  1 kB\nMemAvailable:   12003444 kB\n";
        assert_eq!(parse_mem_available(text), Some(12_003_444 * 1024));
        assert_eq!(parse_mem_available("MemTotal: 5 kB\n"), None);
        assert_eq!(parse_mem_available("MemAvailable: x kB\n"), None);
        if cfg!(target_os = "linux") {
            let a = available_memory_bytes().expect("Linux has /proc/meminfo");
            assert!(a > 0);
        }
    }
}
