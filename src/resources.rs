//! Resource bounds of a batch: a rough estimate of its peak memory, and the
//! memory the machine has available, so a front end can refuse (or warn
//! about) a batch that would not fit before starting it.
//!
//! The estimate counts the large allocations only:
//!
//! * records in flight: a batch runs [`CHUNK_RUNS`] runs (at most `runs`)
//!   before folding them, each holding `steps` [`StepRecord`]s and, for
//!   agent runs, `steps × generations` hashrates;
//! * Monte Carlo bands: `steps × metrics` [`BandCell`]s, each with a
//!   quantile sketch of at most [`TYPICAL_SKETCH_BUCKETS`] buckets (fewer
//!   when there are fewer runs);
//! * one summary row per run, and the full results of `keep_runs` runs;
//! * the agent population of every run in flight, up to `max_agents` agents
//!   of [`BYTES_PER_AGENT`] each.
//!
//! It is an order-of-magnitude figure (within a factor of about two), not
//! an accounting of every byte.

use crate::batch::{BandCell, RunRow, BAND_METRICS, CHUNK_RUNS};
use crate::engine::StepRecord;
use crate::scenario::Scenario;
use std::mem::size_of;

/// Buckets of a typical band sketch: values of one metric at one step
/// across runs span about a decade, ln 10 / ln γ ≈ 230 buckets at the
/// sketch's 0.5 % accuracy.
pub const TYPICAL_SKETCH_BUCKETS: u64 = 230;

/// Bytes of one sketch bucket (`(i32, u64)`, padded).
const SKETCH_BUCKET_BYTES: u64 = size_of::<(i32, u64)>() as u64;

/// Bytes per agent of a population: the agent arrays (group, electricity
/// price, cost factor, cash, last holding, sorted index: 36 bytes) plus a
/// few hardware holdings of about 50 bytes each (agent, generation, TH/s,
/// cost, delivery day, price paid, alive flag, list entries).
pub const BYTES_PER_AGENT: u64 = 256;

/// ASIC generations assumed for the per-generation hashrate series of an
/// agent run (the shipped catalogue plus future releases).
pub const TYPICAL_GENERATIONS: u64 = 32;

/// Estimated peak memory, in bytes, of a batch of `runs` runs of `scenario`
/// that keeps the full results of `keep_runs` of them. Saturates instead of
/// overflowing; see the module documentation for what is counted.
pub fn estimate_batch_memory_bytes(scenario: &Scenario, runs: u64, keep_runs: u64) -> u64 {
    let steps = scenario.simulation.steps();
    let runs = runs.max(1);
    let keep_runs = keep_runs.min(runs);
    let in_flight = runs.min(CHUNK_RUNS);
    let agents = scenario.miners.as_ref().map_or(0, |m| {
        let start: u64 = m.groups.iter().map(|g| g.agents as u64).sum();
        start.max(m.max_agents as u64)
    });
    let per_gen_bytes = if agents > 0 {
        // Operating and installed hashrate per generation.
        2 * TYPICAL_GENERATIONS * size_of::<f64>() as u64
    } else {
        0
    };
    let per_run = steps.saturating_mul(size_of::<StepRecord>() as u64 + per_gen_bytes);
    let population = agents.saturating_mul(BYTES_PER_AGENT);

    let sketch = runs.min(TYPICAL_SKETCH_BUCKETS) * SKETCH_BUCKET_BYTES;
    let bands = steps
        .saturating_mul(BAND_METRICS.len() as u64)
        .saturating_mul(size_of::<BandCell>() as u64 + sketch);
    let rows = runs.saturating_mul(size_of::<RunRow>() as u64);

    in_flight
        .saturating_mul(per_run.saturating_add(population))
        .saturating_add(keep_runs.saturating_mul(per_run))
        .saturating_add(bands)
        .saturating_add(rows)
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
        let a = estimate_batch_memory_bytes(&short, 100, 0);
        assert!(estimate_batch_memory_bytes(&long, 100, 0) > 9 * a);
        assert!(estimate_batch_memory_bytes(&short, 1000, 0) > a);
        assert!(estimate_batch_memory_bytes(&short, 100, 10) > a);
        let crowd = scenario("[simulation]\nyears = 1", &agents(100_000));
        let few = scenario("[simulation]\nyears = 1", &agents(10));
        assert!(
            estimate_batch_memory_bytes(&crowd, 100, 0)
                >= estimate_batch_memory_bytes(&few, 100, 0) + 64 * 99_990 * BYTES_PER_AGENT
        );
    }

    #[test]
    fn plausible_magnitude() {
        // Ten years of daily steps, 1000 runs: records of 64 runs in flight
        // (a few tens of MB) plus the bands (a few hundred MB at most).
        let sc = scenario("[simulation]\nyears = 10", FIXED);
        let b = estimate_batch_memory_bytes(&sc, 1000, 1);
        assert!(b > 10 << 20 && b < 2 << 30, "{b}");
        // Keeping more runs than there are counts only the runs.
        assert_eq!(
            estimate_batch_memory_bytes(&sc, 10, 10),
            estimate_batch_memory_bytes(&sc, 10, 1000)
        );
    }

    #[test]
    fn never_overflows() {
        let sc = scenario(
            "[simulation]\nyears = 1000\nstep_days = 0.37",
            &agents(100_000).replace("max_agents = 100000", "max_agents = 1000000"),
        );
        let b = estimate_batch_memory_bytes(&sc, u64::MAX, u64::MAX);
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
