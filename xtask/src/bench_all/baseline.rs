//! `--baseline NAME` saves a run's `summary.json`; `--compare NAME` flags what changed since.
//!
//! A change counts only when it is beyond noise on both counts: the two medians' 95 %
//! confidence intervals do not overlap, and the medians differ by more than the noise threshold
//! (5 % unless told). Either alone is not enough on a shared machine: quick runs have narrow
//! intervals that rarely overlap, and a 5 % move can be one busy neighbour.

use super::report::{Change, CompareInfo, Row, Summary, Verdict};
use anyhow::{Context, bail};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where a named baseline lives.
pub fn path(dir: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    if !valid {
        bail!("baseline name `{name}`: use letters, digits, `-`, `_` and `.` only");
    }
    Ok(dir.join(format!("{name}.json")))
}

/// Loads a saved run.
pub fn load(dir: &Path, name: &str) -> anyhow::Result<Summary> {
    let file = path(dir, name)?;
    let text = std::fs::read_to_string(&file).with_context(|| {
        format!(
            "no baseline `{name}` ({}): save one first with --baseline {name}",
            file.display()
        )
    })?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", file.display()))
}

/// Marks every row of `summary` that the baseline also measured, and records the comparison.
pub fn compare(summary: &mut Summary, baseline: &Summary, name: &str, noise_threshold: f64) {
    let before: HashMap<&str, &Row> = baseline
        .lessons
        .iter()
        .flat_map(|l| l.groups.iter())
        .flat_map(|g| g.rows.iter())
        .map(|r| (r.id.as_str(), r))
        .collect();
    for row in summary
        .lessons
        .iter_mut()
        .flat_map(|l| l.groups.iter_mut())
        .flat_map(|g| g.rows.iter_mut())
    {
        if let Some(old) = before.get(row.id.as_str()) {
            row.change = Some(change(row, old, noise_threshold));
        }
    }
    let (now, then) = (&summary.machine, &baseline.machine);
    summary.compare = Some(CompareInfo {
        baseline: name.to_string(),
        baseline_date: then.date.clone(),
        noise_threshold,
        same_machine: now.logical_cores == then.logical_cores && now.cpu_model == then.cpu_model,
    });
}

/// One row against its old self.
pub fn change(new: &Row, old: &Row, noise_threshold: f64) -> Change {
    let ratio = new.median_ns / old.median_ns;
    let [new_lo, new_hi] = new.median_ci_ns;
    let [old_lo, old_hi] = old.median_ci_ns;
    let verdict = if new_lo > old_hi && ratio > 1.0 + noise_threshold {
        Verdict::Slower
    } else if new_hi < old_lo && ratio < 1.0 - noise_threshold {
        Verdict::Faster
    } else {
        Verdict::Noise
    };
    Change {
        baseline_median_ns: old.median_ns,
        ratio,
        verdict,
    }
}

/// Saves `summary.json`'s text as the named baseline (written whole, then renamed into place).
pub fn save(dir: &Path, name: &str, json: &str) -> anyhow::Result<PathBuf> {
    let file = path(dir, name)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    super::write_atomically(&file, json.as_bytes())?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_all::report::tests::sample_lesson;

    fn with_median(row: &Row, median: f64, half_width: f64) -> Row {
        Row {
            median_ns: median,
            median_ci_ns: [median - half_width, median + half_width],
            ..row.clone()
        }
    }

    #[test]
    fn flags_only_changes_beyond_noise() {
        let lesson = sample_lesson();
        let base = with_median(&lesson.groups[0].rows[0], 100.0, 2.0);
        let verdict = |m, w| change(&with_median(&base, m, w), &base, 0.05).verdict;
        assert_eq!(verdict(150.0, 2.0), Verdict::Slower);
        assert_eq!(verdict(50.0, 2.0), Verdict::Faster);
        assert_eq!(
            verdict(103.0, 0.1),
            Verdict::Noise,
            "disjoint intervals but under 5 %"
        );
        assert_eq!(
            verdict(130.0, 40.0),
            Verdict::Noise,
            "30 % but the intervals overlap"
        );
        assert!((change(&with_median(&base, 150.0, 1.0), &base, 0.05).ratio - 1.5).abs() < 1e-12);
    }

    #[test]
    fn refuses_names_that_escape_the_folder() {
        let dir = Path::new("/tmp/baselines");
        assert!(path(dir, "../etc/passwd").is_err());
        assert!(path(dir, "").is_err());
        assert_eq!(
            path(dir, "before-simd").unwrap(),
            dir.join("before-simd.json")
        );
    }
}
