//! The machine a report was made on: numbers mean little without it.

use serde::{Deserialize, Serialize};
use std::process::Command;

/// Cores, CPU, OS, compiler and date of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// Logical cores (hardware threads) this process may use.
    pub logical_cores: usize,
    /// Physical cores (hyper-threads of one core count once).
    pub physical_cores: usize,
    /// The CPU's model name from `/proc/cpuinfo`, or `unknown`.
    pub cpu_model: String,
    /// Operating system and architecture, e.g. `linux x86_64 (Debian GNU/Linux 12 (bookworm))`.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// When the run started, UTC, ISO 8601 (`2026-11-23T10:42:00Z`).
    pub date: String,
}

impl Machine {
    /// Describes this machine, now.
    pub fn detect() -> Machine {
        Machine {
            logical_cores: num_cpus::get(),
            physical_cores: num_cpus::get_physical(),
            cpu_model: cpu_model().unwrap_or_else(|| "unknown".into()),
            os: os(),
            rustc: rustc_version(),
            date: crate::dates::now(),
        }
    }

    /// One line for the report: `2 logical / 2 physical cores, <cpu>, <os>, <rustc>, <date>`.
    pub fn one_line(&self) -> String {
        format!(
            "{} logical / {} physical cores · {} · {} · {} · {}",
            self.logical_cores, self.physical_cores, self.cpu_model, self.os, self.rustc, self.date
        )
    }
}

/// The first `model name` in `/proc/cpuinfo` (Linux only; other systems say `unknown`).
fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    parse_cpu_model(&info)
}

fn parse_cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| matches!(key.trim(), "model name" | "Model" | "cpu model"))
        .map(|(_, value)| value.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `linux x86_64`, with the distribution's name when `/etc/os-release` has one.
fn os() -> String {
    let base = format!("{} {}", std::env::consts::OS, std::env::consts::ARCH);
    let pretty = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        });
    match pretty {
        Some(name) => format!("{base} ({name})"),
        None => base,
    }
}

/// `rustc --version` of the compiler cargo uses (`$RUSTC` if set).
fn rustc_version() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "rustc (unknown version)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_cpu_model() {
        let info = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R)  CPU @ 2.20GHz\n";
        assert_eq!(
            parse_cpu_model(info).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(parse_cpu_model("processor : 0\n"), None);
    }

    #[test]
    fn detects_something_sensible() {
        let m = Machine::detect();
        assert!(m.logical_cores >= 1 && m.physical_cores >= 1);
        assert!(m.date.ends_with('Z'));
    }
}
