//! `speedup.svg`: speedup against workers, one panel per lesson, one line per strategy, with
//! the ideal (perfect scaling) dashed.

use super::report::{Bound, LessonReport, Summary, ideal_speedup};
use plotters::prelude::*;

/// One line of a panel: a strategy's (workers, speedup) points.
struct Series {
    label: String,
    points: Vec<(f64, f64)>,
}

const PANEL: (u32, u32) = (560, 400);
const COLUMNS: usize = 2;

/// Draws the chart as SVG text.
pub fn render(summary: &Summary) -> anyhow::Result<String> {
    let panels: Vec<(&LessonReport, Vec<Series>)> = summary
        .lessons
        .iter()
        .map(|l| (l, series(l)))
        .filter(|(_, s)| !s.is_empty())
        .collect();
    let rows = panels.len().div_ceil(COLUMNS).max(1);
    let cols = panels.len().clamp(1, COLUMNS);
    let size = (PANEL.0 * cols as u32, PANEL.1 * rows as u32 + 40);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let title = format!(
            "Speedup vs workers ({} logical cores, {:?} run)",
            summary.machine.logical_cores, summary.mode
        );
        let (top, body) = root.split_vertically(40);
        top.titled(&title, ("sans-serif", 22)).map_err(err)?;
        if panels.is_empty() {
            body.draw_text(
                "No benchmark with a worker count ran.",
                &("sans-serif", 18).into_text_style(&body),
                (20, 20),
            )
            .map_err(err)?;
        }
        let areas = body.split_evenly((rows, cols));
        for ((lesson, lines), area) in panels.iter().zip(areas.iter()) {
            panel(area, lesson, lines, summary.machine.logical_cores)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Every strategy with at least one worker-count point (the group name prefixes the label when
/// the lesson has several groups).
fn series(lesson: &LessonReport) -> Vec<Series> {
    let mut out = Vec::new();
    let several = lesson
        .groups
        .iter()
        .filter(|g| g.rows.iter().any(|r| r.workers.is_some()))
        .count()
        > 1;
    for group in &lesson.groups {
        let mut strategies: Vec<&str> = group.rows.iter().map(|r| r.strategy.as_str()).collect();
        strategies.dedup();
        for strategy in strategies {
            let mut points: Vec<(f64, f64)> = group
                .rows
                .iter()
                .filter(|r| r.strategy == strategy)
                .filter_map(|r| Some((f64::from(r.workers?), r.speedup?)))
                .collect();
            if points.is_empty() {
                continue;
            }
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            let what = group
                .group
                .strip_prefix(&format!("{}/", lesson.lesson))
                .unwrap_or(&group.group);
            let label = if several {
                format!("{what}: {strategy}")
            } else {
                strategy.to_string()
            };
            out.push(Series { label, points });
        }
    }
    out
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    lesson: &LessonReport,
    lines: &[Series],
    cores: usize,
) -> anyhow::Result<()> {
    let max_workers = lines
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p.0)
        .fold(1.0, f64::max);
    let ideal_at = |w: f64| ideal_speedup(w as u32, lesson.bound, cores);
    let max_speedup = lines
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p.1)
        .fold(ideal_at(max_workers), f64::max);
    let kind = if lesson.bound == Bound::Io {
        "I/O-bound"
    } else {
        "CPU-bound"
    };
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{} ({kind})", lesson.lesson), ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(0.0..max_workers * 1.05 + 0.5, 0.0..max_speedup * 1.1 + 0.2)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("workers")
        .y_desc("speedup vs sequential")
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(err)?;
    // The ideal: a dashed line through every integer worker count up to the largest measured.
    let steps = (max_workers as u32).max(1);
    let ideal: Vec<(f64, f64)> = (1..=steps)
        .map(|w| (f64::from(w), ideal_at(f64::from(w))))
        .collect();
    chart
        .draw_series(DashedLineSeries::new(
            ideal,
            6,
            4,
            BLACK.mix(0.5).stroke_width(2),
        ))
        .map_err(err)?
        .label("ideal")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLACK.mix(0.5)));
    for (i, line) in lines.iter().enumerate() {
        let colour = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(line.points.clone(), colour.stroke_width(2)))
            .map_err(err)?
            .label(line.label.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
        chart
            .draw_series(
                line.points
                    .iter()
                    .map(|&p| Circle::new(p, 3, colour.filled())),
            )
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(err)?;
    Ok(())
}

/// Plotters' errors borrow the backend; keep their message only.
fn err<E: std::fmt::Display>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing speedup.svg: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_all::machine::Machine;
    use crate::bench_all::report::{Mode, PythonStatus, tests::sample_lesson};

    fn summary(lessons: Vec<LessonReport>) -> Summary {
        Summary {
            schema_version: 1,
            mode: Mode::Quick,
            profile: "bench".into(),
            machine: Machine {
                logical_cores: 2,
                physical_cores: 2,
                cpu_model: "Test".into(),
                os: "linux".into(),
                rustc: "rustc".into(),
                date: "2026-01-01T00:00:00Z".into(),
            },
            lessons,
            python: PythonStatus {
                status: "not_requested".into(),
                message: None,
            },
            compare: None,
        }
    }

    #[test]
    fn draws_one_panel_per_lesson_with_the_ideal() {
        let svg = render(&summary(vec![sample_lesson()])).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("mandelbrot (CPU-bound)"));
        assert!(svg.contains("ideal") && svg.contains("threads"));
    }

    #[test]
    fn says_so_when_nothing_has_workers() {
        let svg = render(&summary(vec![])).unwrap();
        assert!(svg.contains("No benchmark with a worker count ran."));
    }
}
