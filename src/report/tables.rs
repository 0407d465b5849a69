//! Reading a run's CSV files back, so charts and the report can be rebuilt
//! from an output folder without running the simulation again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why an output folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("{path}: {message}")]
    Bad { path: PathBuf, message: String },
}

fn bad(path: &Path, message: impl Into<String>) -> TableError {
    TableError::Bad {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// A CSV file as named columns of text cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    index: HashMap<String, usize>,
}

impl Table {
    pub fn read(path: &Path) -> Result<Table, TableError> {
        let mut rdr = csv::Reader::from_path(path).map_err(|e| bad(path, e.to_string()))?;
        let columns: Vec<String> = rdr
            .headers()
            .map_err(|e| bad(path, e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| bad(path, e.to_string()))?;
            rows.push(rec.iter().map(str::to_string).collect());
        }
        let index = columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        Ok(Table {
            columns,
            rows,
            index,
        })
    }

    /// The rows of one run: those whose `run` cell is `run` (a table
    /// without a `run` column is returned whole).
    pub fn run(self, run: u64) -> Table {
        let Some(&i) = self.index.get("run") else {
            return self;
        };
        let want = run.to_string();
        let rows = self
            .rows
            .into_iter()
            .filter(|r| r.get(i).is_some_and(|c| *c == want))
            .collect();
        Table {
            columns: self.columns,
            rows,
            index: self.index,
        }
    }

    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// A column as numbers; empty or unparsable cells are NaN (charts skip them).
    pub fn numbers(&self, column: &str) -> Vec<f64> {
        match self.index.get(column) {
            Some(&i) => self
                .rows
                .iter()
                .map(|r| r.get(i).and_then(|c| c.parse().ok()).unwrap_or(f64::NAN))
                .collect(),
            None => Vec::new(),
        }
    }

    /// A column as text.
    pub fn text(&self, column: &str) -> Vec<String> {
        match self.index.get(column) {
            Some(&i) => self
                .rows
                .iter()
                .map(|r| r.get(i).cloned().unwrap_or_default())
                .collect(),
            None => Vec::new(),
        }
    }
}

/// Per-step statistics of one metric across runs (from `bands.csv`).
#[derive(Debug, Clone, Default)]
pub struct MetricBands {
    pub mean: Vec<f64>,
    pub p5: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p95: Vec<f64>,
}

/// `bands.csv` reorganised by metric.
#[derive(Debug, Clone, Default)]
pub struct BandTable {
    pub dates: Vec<String>,
    pub metrics: HashMap<String, MetricBands>,
}

impl BandTable {
    pub fn read(path: &Path) -> Result<BandTable, TableError> {
        let t = Table::read(path)?;
        for c in [
            "step", "date", "metric", "mean", "p5", "p25", "p50", "p75", "p95",
        ] {
            if !t.has(c) {
                return Err(bad(path, format!("missing column {c}")));
            }
        }
        let steps = t.numbers("step");
        let dates = t.text("date");
        let names = t.text("metric");
        let cols: Vec<Vec<f64>> = ["mean", "p5", "p25", "p50", "p75", "p95"]
            .iter()
            .map(|c| t.numbers(c))
            .collect();
        let mut out = BandTable::default();
        for i in 0..t.rows.len() {
            let s = steps[i];
            if s.is_nan() || s < 0.0 {
                return Err(bad(path, format!("row {}: bad step", i + 2)));
            }
            let s = s as usize;
            if s == out.dates.len() {
                out.dates.push(dates[i].clone());
            }
            let m = out.metrics.entry(names[i].clone()).or_default();
            for (k, v) in [
                &mut m.mean,
                &mut m.p5,
                &mut m.p25,
                &mut m.p50,
                &mut m.p75,
                &mut m.p95,
            ]
            .into_iter()
            .enumerate()
            {
                v.push(cols[k][i]);
            }
        }
        Ok(out)
    }

    pub fn metric(&self, name: &str) -> Option<&MetricBands> {
        self.metrics.get(name)
    }
}
