//! `minesim check SCENARIO`: validate a scenario (every sweep point, every
//! data file) and print a one-screen summary of what it means.

use super::Error;
use minesim::consensus::DifficultyRule;
use minesim::plan::{Overrides, Plan, Set};
use minesim::scenario::Scenario;
use std::path::Path;

pub fn check(scenario: &Path, set: Vec<Set>) -> Result<(), Error> {
    let overrides = Overrides {
        set,
        ..Overrides::default()
    };
    let plan = Plan::load(scenario, &overrides, 1)?;
    print!("{}", describe(&plan.base));
    for s in &plan.set {
        println!("set          {} = {}", s.path, s.value);
    }
    if let Some(sw) = &plan.sweep {
        match &plan.base.uncertainty {
            Some(u) => {
                println!(
                    "uncertainty  {} design, {} samples: {} points, {} runs in all",
                    u.design.name(),
                    u.samples,
                    sw.points.len(),
                    plan.layout.jobs()
                );
                for p in &u.parameters {
                    println!(
                        "  {:<40} {}",
                        p.path,
                        toml::to_string(&p.distribution)
                            .unwrap_or_default()
                            .trim()
                            .replace('\n', ", ")
                    );
                }
            }
            None => println!(
                "sweep        {} of {} points, {} runs in all",
                sw.config.mode.name(),
                sw.points.len(),
                plan.layout.jobs()
            ),
        }
        // A design's points are many and drawn at random: points.csv
        // lists them after a run.
        let shown = if plan.base.uncertainty.is_some() {
            0
        } else {
            20
        };
        for p in sw.points.iter().take(shown) {
            println!("  point {:<5} {}", p.index, p.label());
        }
        if shown > 0 && sw.points.len() > shown {
            println!("  ...");
        }
    }
    // What `run` would refuse here is not valid here either.
    let available = minesim::resources::available_memory_bytes();
    let needed = plan.estimated_memory(None);
    match available {
        Some(a) => println!(
            "memory       about {:.2} GB needed, {:.1} GB available here",
            needed as f64 / 1e9,
            a as f64 / 1e9
        ),
        None => println!("memory       about {:.2} GB needed", needed as f64 / 1e9),
    }
    let (steps, agent_steps) = plan.estimated_work();
    if agent_steps > 0 {
        println!("work         {steps:.3e} run-steps, {agent_steps:.3e} agent-steps at the start's agents");
    } else {
        println!("work         {steps:.3e} run-steps");
    }
    plan.check_memory(available, None)?;
    println!("ok: {} is valid", scenario.display());
    Ok(())
}

/// A one-screen description of what a scenario means.
fn describe(sc: &Scenario) -> String {
    let mut s = String::new();
    let sim = &sc.simulation;
    let chain = &sc.chain;
    s += &format!("scenario     {}\n", sc.name);
    if !sc.description.is_empty() {
        s += &format!("             {}\n", sc.description.trim());
    }
    s += &format!(
        "horizon      {} to {} ({} years, {} steps of {} day(s), {:?} block sampling)\n",
        sc.start.date,
        sc.end_date(),
        sim.years,
        sim.steps(),
        sim.step_days,
        sim.block_sampling
    );
    s += &format!(
        "start        height {}, bits {:#010x}\n",
        sc.start.height,
        sc.start.start_bits(chain)
    );
    let rule = match chain.difficulty_rule {
        DifficultyRule::Retarget => format!(
            "retarget every {} blocks, clamp x{}",
            chain.retarget_interval_blocks, chain.retarget_clamp_factor
        ),
        DifficultyRule::Asert => {
            format!("ASERT every block, half-life {} s", chain.asert_half_life_s)
        }
        DifficultyRule::Cw144 => "cw-144 every block (144-block window)".to_string(),
    };
    s += &format!(
        "chain        {rule}, spacing {} s, halving every {} blocks, subsidy {} sat\n",
        chain.target_spacing_s, chain.halving_interval_blocks, chain.initial_subsidy_sat
    );
    s += &format!("price        {}\n", one_line(&sc.price));
    s += &format!("fees         {}\n", one_line(&sc.fees));
    match (&sc.miners, &sc.hash_supply) {
        (Some(m), _) => s += &format!("miners       {}\n", one_line(m)),
        (_, Some(h)) => s += &format!("hash supply  {}\n", one_line(h)),
        _ => {}
    }
    s += &format!("runs         {} (seed {})\n", sc.runs, sc.seed);
    s
}

fn one_line<T: serde::Serialize>(v: &T) -> String {
    let t = serde_json::to_string(v).unwrap_or_default();
    if t.chars().count() > 160 {
        let cut: String = t.chars().take(157).collect();
        format!("{cut}...")
    } else {
        t
    }
}
