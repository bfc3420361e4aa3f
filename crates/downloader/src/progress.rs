//! Progress reporting: silent, or one indicatif bar per active download plus a total.

use std::collections::HashMap;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::lock::lock;
use crate::outcome::JobResult;

/// What a download tells about itself as it goes. Called from many threads at once.
pub trait Progress: Send + Sync {
    /// Job `index` starts (file `name`).
    fn started(&self, _index: usize, _name: &str) {}
    /// Job `index` will be this long, if the server said.
    fn length(&self, _index: usize, _bytes: Option<u64>) {}
    /// Job `index` received `bytes` more.
    fn advanced(&self, _index: usize, _bytes: u64) {}
    /// Job `index` ended.
    fn finished(&self, _index: usize, _result: &JobResult) {}
}

/// Reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {}

/// Terminal bars: one per download in flight, one for the whole batch.
pub struct Bars {
    multi: MultiProgress,
    total: ProgressBar,
    active: Mutex<HashMap<usize, ProgressBar>>,
}

impl Bars {
    /// Bars for a batch of `jobs` downloads, drawn on stdout (indicatif hides them when stdout is
    /// not a terminal).
    pub fn new(jobs: usize) -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
        let total = multi.add(ProgressBar::new(jobs as u64));
        total.set_style(
            ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} files {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        total.set_prefix("total");
        Bars {
            multi,
            total,
            active: Mutex::new(HashMap::new()),
        }
    }

    fn bar(&self, index: usize) -> Option<ProgressBar> {
        lock(&self.active).get(&index).cloned()
    }
}

impl Progress for Bars {
    fn started(&self, index: usize, name: &str) {
        let bar = self
            .multi
            .insert_before(&self.total, ProgressBar::no_length());
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>12} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let short: String = name.chars().take(12).collect();
        bar.set_prefix(short);
        lock(&self.active).insert(index, bar);
    }

    fn length(&self, index: usize, bytes: Option<u64>) {
        if let Some(bar) = self.bar(index) {
            bar.set_position(0);
            bar.set_length(bytes.unwrap_or(0));
        }
    }

    fn advanced(&self, index: usize, bytes: u64) {
        if let Some(bar) = self.bar(index) {
            bar.inc(bytes);
        }
    }

    fn finished(&self, index: usize, _result: &JobResult) {
        let bar = lock(&self.active).remove(&index);
        if let Some(bar) = bar {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        self.total.inc(1);
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        self.total.finish_and_clear();
    }
}
