//! Morris elementary effects (Morris 1991) and their summaries mu, mu*
//! (Campolongo et al. 2007) and sigma, from the outputs of a
//! [`super::MorrisDesign`].
//!
//! Effects are in unit space: EE_i = (y(x + Δ e_i) − y(x)) / Δ with x on
//! the unit grid, whatever the distributions that map the grid to
//! parameter values. So for f = Σ c_i u_i (u the unit coordinates) every
//! EE_i is c_i. To express an effect per unit of a uniform parameter on
//! [low, high], divide by (high − low).

use super::{MorrisDesign, SensitivityError};
use serde::{Deserialize, Serialize};

/// The summaries of one factor's r elementary effects: `mu` their mean,
/// `mu_star` the mean of their absolute values, `sigma` their standard
/// deviation (divisor r − 1; r >= 2 by construction of the design).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MorrisEffects {
    pub parameter_index: usize,
    pub mu: f64,
    pub mu_star: f64,
    pub sigma: f64,
}

/// The effects of every factor of `design` from its outputs, one per
/// point in the design's order (trajectory after trajectory). Errors: a
/// wrong number of outputs, a non-finite one, or an elementary effect
/// that overflows f64. Never NaN or infinity.
pub fn morris_effects(
    design: &MorrisDesign,
    outputs: &[f64],
) -> Result<Vec<MorrisEffects>, SensitivityError> {
    let (r, k) = (design.trajectories(), design.parameters());
    let expected = r * (k + 1);
    if outputs.len() != expected {
        return Err(SensitivityError::OutputLength {
            expected,
            got: outputs.len(),
        });
    }
    if let Some(index) = outputs.iter().position(|y| !y.is_finite()) {
        return Err(SensitivityError::NonFiniteOutput { index });
    }
    let points = design.points();
    let mut effects = vec![Vec::with_capacity(r); k];
    for t in 0..r {
        let row = t * (k + 1);
        for s in 0..k {
            let i = design.factor_changed(t, s);
            let step = points.point(row + s + 1)[i] - points.point(row + s)[i];
            // ±Δ; the grid's own difference, so linear effects are exact.
            let ee = (outputs[row + s + 1] - outputs[row + s]) / step;
            if !ee.is_finite() {
                return Err(SensitivityError::Invalid(format!(
                    "the elementary effect between outputs {} and {} overflows",
                    row + s,
                    row + s + 1
                )));
            }
            effects[i].push(ee);
        }
    }
    Ok(effects
        .iter()
        .enumerate()
        .map(|(i, ee)| {
            let m = ee.len() as f64;
            let mu = ee.iter().sum::<f64>() / m;
            let mu_star = ee.iter().map(|e| e.abs()).sum::<f64>() / m;
            let var = ee.iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (m - 1.0);
            // Finite effects can still overflow a sum of squares: then the
            // spread is beyond f64, reported as f64::MAX rather than inf.
            let finite = |x: f64| if x.is_finite() { x } else { f64::MAX };
            MorrisEffects {
                parameter_index: i,
                mu: mu.clamp(-f64::MAX, f64::MAX),
                mu_star: finite(mu_star),
                sigma: finite(var.max(0.0).sqrt()),
            }
        })
        .collect())
}
