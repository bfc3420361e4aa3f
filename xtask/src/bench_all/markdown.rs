//! `summary.md`: the report for people, one table per criterion group.

use super::report::{
    BASELINE_STRATEGY, Bound, Change, Group, LessonReport, LessonStatus, Mode, Parameter, Row,
    Summary, Verdict,
};
use std::fmt::Write;

/// The whole report as Markdown.
pub fn render(summary: &Summary) -> String {
    let mut md = String::new();
    header(&mut md, summary);
    for lesson in &summary.lessons {
        lesson_section(&mut md, lesson, summary);
    }
    md
}

fn header(md: &mut String, s: &Summary) {
    let m = &s.machine;
    let mode = match s.mode {
        Mode::Quick => "quick (criterion `--quick`: a smoke run, expect noise of ±10 % or more)",
        Mode::Thorough => {
            "thorough (criterion defaults: 3 s warm-up, 5 s of samples per benchmark)"
        }
    };
    let ran = s
        .lessons
        .iter()
        .filter(|l| l.status == LessonStatus::Ran)
        .count();
    let benches: usize = s
        .lessons
        .iter()
        .flat_map(|l| &l.groups)
        .map(|g| g.rows.len())
        .sum();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(md, "| | |\n|---|---|");
    let _ = writeln!(
        md,
        "| Machine | {} logical / {} physical cores |",
        m.logical_cores, m.physical_cores
    );
    let _ = writeln!(md, "| CPU | {} |", m.cpu_model);
    let _ = writeln!(md, "| OS | {} |", m.os);
    let _ = writeln!(md, "| Compiler | {} (profile `{}`) |", m.rustc, s.profile);
    let _ = writeln!(md, "| Date | {} |", m.date);
    let _ = writeln!(md, "| Mode | {mode} |");
    let _ = writeln!(
        md,
        "| Ran | {benches} benchmarks in {ran} of {} lessons |",
        s.lessons.len()
    );
    let python = match &s.python.message {
        Some(msg) => format!("{}: {msg}", s.python.status),
        None => s.python.status.clone(),
    };
    let _ = writeln!(md, "| Python (seed) | {python} |");
    if let Some(c) = &s.compare {
        let machine = if c.same_machine {
            "same machine"
        } else {
            "**a different machine**"
        };
        let _ = writeln!(
            md,
            "| Compared with | baseline `{}` of {} ({machine}); flagged: beyond both 95 % intervals and ±{:.0} % |",
            c.baseline,
            c.baseline_date,
            c.noise_threshold * 100.0
        );
    }
    let _ = writeln!(
        md,
        "\n**Reading the tables.** *Median* is criterion's median time per iteration (95 % interval \
         beside it). *Speedup* = the group's `sequential` median / this median. *Ideal* is perfect \
         scaling: min(workers, {} logical cores) for CPU-bound work, workers for I/O-bound work \
         (waits overlap). *Efficiency* = speedup / ideal: 100 % means every worker was busy all \
         the time.\n",
        m.logical_cores
    );
}

fn lesson_section(md: &mut String, lesson: &LessonReport, s: &Summary) {
    let bound = match lesson.bound {
        Bound::Cpu => "CPU-bound",
        Bound::Io => "I/O-bound",
    };
    let _ = writeln!(md, "## {} ({bound})\n", lesson.lesson);
    if let Some(seconds) = lesson.elapsed_s {
        let _ = writeln!(md, "_`cargo bench` took {seconds:.0} s, build included._\n");
    }
    match lesson.status {
        LessonStatus::Ran if lesson.groups.is_empty() => {
            let _ = writeln!(md, "_The bench ran but reported no benchmarks._\n");
        }
        LessonStatus::Ran => {}
        LessonStatus::NoBench | LessonStatus::Failed => {
            let what = if lesson.status == LessonStatus::Failed {
                "**Failed.** "
            } else {
                "_Not run._ "
            };
            let _ = writeln!(md, "{what}{}\n", lesson.message.as_deref().unwrap_or(""));
        }
    }
    for group in &lesson.groups {
        group_table(md, group, lesson, s);
    }
    python_table(md, lesson);
}

fn group_table(md: &mut String, group: &Group, lesson: &LessonReport, s: &Summary) {
    let python = !lesson.python.is_empty();
    let compare = s.compare.as_ref().map(|c| c.baseline.as_str());
    let _ = writeln!(md, "### {}\n", group.group);
    let param = match lesson.parameter {
        Parameter::Workers => "Workers",
        Parameter::Bytes => "Size",
    };
    let mut head = vec![
        "Strategy",
        param,
        "Median",
        "95 % CI",
        "Throughput",
        "Speedup",
        "Ideal",
        "Efficiency",
    ];
    if python {
        head.push("Python (seed)");
    }
    let vs = compare.map(|name| format!("vs `{name}`"));
    if let Some(vs) = &vs {
        head.push(vs);
    }
    let _ = writeln!(md, "| {} |", head.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(head.len()));
    for row in &group.rows {
        let mut cells = row_cells(row, lesson.parameter);
        if python {
            cells.push(python_cell(row));
        }
        if compare.is_some() {
            cells.push(row.change.as_ref().map_or("new".to_string(), change_cell));
        }
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }
    if group.baseline.is_none() {
        let _ = writeln!(
            md,
            "\n_No `{BASELINE_STRATEGY}` bench in this group: no speedups._"
        );
    }
    md.push('\n');
}

fn row_cells(row: &Row, parameter: Parameter) -> Vec<String> {
    let dash = || "—".to_string();
    let workers = match (&row.workers, &row.parameter) {
        (Some(w), _) => w.to_string(),
        (None, Some(p)) if parameter == Parameter::Bytes => p.parse().map_or(p.clone(), bytes),
        (None, Some(p)) => p.clone(),
        (None, None) => dash(),
    };
    let [lo, hi] = row.median_ci_ns;
    vec![
        format!("`{}`", row.strategy),
        workers,
        duration(row.median_ns),
        format!("{} – {}", duration(lo), duration(hi)),
        row.throughput
            .as_ref()
            .map_or_else(dash, |t| format!("{} {}", si(t.per_second), t.unit)),
        row.speedup.map_or_else(dash, |x| format!("{x:.2}×")),
        row.ideal_speedup.map_or_else(dash, |x| format!("{x:.0}×")),
        row.efficiency
            .map_or_else(dash, |x| format!("{:.0} %", x * 100.0)),
    ]
}

fn python_cell(row: &Row) -> String {
    match &row.python {
        Some(p) => format!("{} ({})", si(p.per_second), p.variant),
        None => "—".into(),
    }
}

fn change_cell(c: &Change) -> String {
    let pct = (c.ratio - 1.0) * 100.0;
    match c.verdict {
        Verdict::Faster => format!("**{pct:+.1} % faster**"),
        Verdict::Slower => format!("**{pct:+.1} % slower** ⚠"),
        Verdict::Noise => format!("{pct:+.1} % (noise)"),
    }
}

fn python_table(md: &mut String, lesson: &LessonReport) {
    if lesson.python.is_empty() {
        return;
    }
    let _ = writeln!(
        md,
        "### Python (seed) — the lecture's own versions, ported in `python/`\n"
    );
    let _ = writeln!(
        md,
        "| Variant | Workers | Size | Time | Throughput |\n|---|---|---|---|---|"
    );
    for p in &lesson.python {
        let workers = p.workers.map_or("1".to_string(), |w| w.to_string());
        let _ = writeln!(
            md,
            "| {} | {workers} | {} | {} | {} {} |",
            p.variant,
            p.size,
            duration(p.seconds * 1e9),
            si(p.per_second()),
            lesson.unit
        );
    }
    md.push('\n');
}

/// `64 B`, `4 KiB`, `1 MiB`: a size in bytes, exact when it is a power-of-two multiple.
pub fn bytes(n: u64) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{} {unit}", n >> shift);
        }
    }
    format!("{n} B")
}

/// `1.23 µs`, `45.6 ms`, `2.05 s`: three significant digits in the unit that fits.
pub fn duration(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    format!("{} {unit}", sig3(value))
}

/// `181 M`, `6.18 G`, `950`: three significant digits with an SI prefix.
pub fn si(x: f64) -> String {
    let prefixes = [(1e12, " T"), (1e9, " G"), (1e6, " M"), (1e3, " k")];
    for (scale, prefix) in prefixes {
        if x.abs() >= scale {
            return format!("{}{prefix}", sig3(x / scale));
        }
    }
    sig3(x)
}

fn sig3(x: f64) -> String {
    if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_all::machine::Machine;
    use crate::bench_all::report::{PythonStatus, tests::sample_lesson};

    #[test]
    fn formats_numbers_for_people() {
        assert_eq!(duration(1617.5), "1.62 µs");
        assert_eq!(duration(56_205_000.0), "56.2 ms");
        assert_eq!(duration(2.5e9), "2.50 s");
        assert_eq!(si(181_270_000.0), "181 M");
        assert_eq!(si(6.1823e9), "6.18 G");
        assert_eq!(si(950.0), "950");
        assert_eq!(bytes(64), "64 B");
        assert_eq!(bytes(1 << 20), "1 MiB");
        assert_eq!(bytes(1500), "1500 B");
    }

    #[test]
    fn renders_every_row_and_the_machine() {
        let summary = Summary {
            schema_version: 1,
            mode: Mode::Quick,
            profile: "bench".into(),
            machine: Machine {
                logical_cores: 2,
                physical_cores: 1,
                cpu_model: "Test CPU".into(),
                os: "linux".into(),
                rustc: "rustc 1.95.0".into(),
                date: "2026-01-01T00:00:00Z".into(),
            },
            lessons: vec![sample_lesson()],
            python: PythonStatus {
                status: "not_requested".into(),
                message: None,
            },
            compare: None,
        };
        let md = render(&summary);
        assert!(md.contains("2 logical / 1 physical cores"));
        assert!(md.contains("Test CPU") && md.contains("quick"));
        assert!(md.contains("### mandelbrot/render"));
        assert!(md.contains("| `threads` | 2 | 500 µs |"), "{md}");
        assert!(md.contains("2.00× | 2× | 100 %"), "{md}");
        assert!(md.contains("No `sequential` bench in this group"));
    }
}
