//! Draws a [`Chart`] as inline SVG: integer coordinates, no fonts or
//! images fetched, every bar labelled in words as well as colour.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, DurationRound as _, Utc};

use super::chart::{Bar, Chart, Outcome};
use super::escape::escape;
use super::when;

const WIDTH: i64 = 960;
/// Where the plot starts; labels sit to its left.
const PLOT_X0: i64 = 330;
const PLOT_X1: i64 = 940;
const TOP: i64 = 34;
const ROW: i64 = 40;
const LEGEND: i64 = 34;
const LABEL_CHARS: usize = 46;

const PHASE: &str = "#3b5b92";
const DEADLINE: &str = "#c9d6ea";
const DEADLINE_EDGE: &str = "#5a6f96";
const MET: &str = "#1b5e20";
const BREACH: &str = "#b00020";
const GRID: &str = "#d0d0d0";
const MUTED: &str = "#555555";

/// The `<svg>` element, `width` 100% and scaled by its `viewBox`.
pub fn draw(chart: &Chart) -> String {
    let height = TOP + ROW * i64::try_from(chart.bars.len()).unwrap_or(0) + LEGEND;
    let axis = Axis {
        start: chart.start,
        span: (chart.end - chart.start).num_seconds().max(1),
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {WIDTH} {height}\" \
         width=\"100%\" role=\"img\" aria-labelledby=\"chart-title\" class=\"chart\">\n\
         <title id=\"chart-title\">Timeline of phases and deadline clocks, axis in UTC</title>\n"
    );
    ticks(&mut out, &axis, chart, height - LEGEND);
    for (row, bar) in chart.bars.iter().enumerate() {
        let y = TOP + ROW * i64::try_from(row).unwrap_or(0);
        draw_bar(&mut out, &axis, chart, bar, y);
    }
    let now_x = axis.x(chart.now);
    let _ = writeln!(
        out,
        "<line x1=\"{now_x}\" y1=\"{}\" x2=\"{now_x}\" y2=\"{}\" stroke=\"{MUTED}\" stroke-dasharray=\"4 3\"/>",
        TOP - 6,
        height - LEGEND
    );
    legend(&mut out, height - LEGEND + 22);
    out.push_str("</svg>\n");
    out
}

/// Maps times onto the plot's x range.
struct Axis {
    start: DateTime<Utc>,
    span: i64,
}

impl Axis {
    fn x(&self, t: DateTime<Utc>) -> i64 {
        let offset = (t - self.start).num_seconds().clamp(0, self.span);
        PLOT_X0 + offset * (PLOT_X1 - PLOT_X0) / self.span
    }
}

/// Grid lines at a round step giving at most eight intervals, in UTC.
fn ticks(out: &mut String, axis: &Axis, chart: &Chart, bottom: i64) {
    const STEPS_MINUTES: [i64; 12] = [
        15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10_080, 20_160, 43_200,
    ];
    let minutes = axis.span / 60;
    let step = STEPS_MINUTES
        .iter()
        .map(|m| Duration::minutes(*m))
        .find(|d| minutes / d.num_minutes().max(1) <= 8)
        .unwrap_or_else(|| Duration::days(60));
    let daily = step >= Duration::days(1);
    let Ok(mut t) = chart.start.duration_trunc(step) else {
        return;
    };
    if t < chart.start {
        t += step;
    }
    while t <= chart.end {
        let x = axis.x(t);
        let label = if daily {
            t.format("%m-%d").to_string()
        } else {
            t.format("%m-%d %H:%M").to_string()
        };
        let _ = writeln!(
            out,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"{GRID}\"/>\
             <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{MUTED}\">{label}</text>",
            TOP - 6,
            TOP - 12
        );
        t += step;
    }
    let _ = writeln!(
        out,
        "<text x=\"{PLOT_X0}\" y=\"12\" font-size=\"11\" fill=\"{MUTED}\">UTC · dashed line: last entry, {}</text>",
        escape(&when::utc(chart.now))
    );
}

fn draw_bar(out: &mut String, axis: &Axis, chart: &Chart, bar: &Bar, y: i64) {
    let breached = bar.outcome == Outcome::Breached;
    let label = truncate(&bar.label);
    let note_style = if breached {
        format!(" fill=\"{BREACH}\" font-weight=\"700\"")
    } else {
        format!(" fill=\"{MUTED}\"")
    };
    let _ = writeln!(
        out,
        "<g><title>{}: {} ({} to {})</title>\n\
         <text x=\"8\" y=\"{}\" font-size=\"13\">{}</text>\
         <text x=\"8\" y=\"{}\" font-size=\"11\"{note_style}>{}</text>",
        escape(&bar.label),
        escape(&bar.note),
        escape(&when::utc(bar.from)),
        escape(&when::utc(bar.to)),
        y + 14,
        escape(&label),
        y + 30,
        escape(&bar.note)
    );
    let x0 = axis.x(bar.from);
    let x1 = axis.x(bar.to).max(x0 + 2);
    let (fill, stroke, dash) = match (bar.outcome, bar.label.starts_with("Phase: ")) {
        (Outcome::Open, true) => ("#ffffff", PHASE, " stroke-dasharray=\"4 2\""),
        (_, true) => (PHASE, PHASE, ""),
        _ => (DEADLINE, DEADLINE_EDGE, ""),
    };
    let _ = writeln!(
        out,
        "<rect x=\"{x0}\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"{fill}\" stroke=\"{stroke}\"{dash}/>",
        y + 10,
        x1 - x0
    );
    if bar.to > chart.end {
        // The deadline lies beyond the axis: an arrow at the edge, and the
        // due time in words.
        let _ = writeln!(
            out,
            "<path d=\"M{PLOT_X1} {} l8 7 l-8 7 z\" fill=\"{DEADLINE_EDGE}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" fill=\"{MUTED}\">due {}</text>",
            y + 10,
            PLOT_X1 - 4,
            y + 36,
            escape(&when::utc(bar.to))
        );
    }
    if let Some((from, to)) = bar.late {
        let (lx0, lx1) = (axis.x(from), axis.x(to));
        let _ = writeln!(
            out,
            "<rect x=\"{lx0}\" y=\"{}\" width=\"{}\" height=\"8\" fill=\"{BREACH}\"/>",
            y + 13,
            (lx1 - lx0).max(2)
        );
    }
    if let Some(at) = bar.marker {
        let x = axis.x(at);
        if breached {
            let _ = writeln!(
                out,
                "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"700\" fill=\"{BREACH}\">✗</text>",
                y + 23
            );
        } else {
            let _ = writeln!(
                out,
                "<path d=\"M{x} {} l6 7 l-6 7 l-6 -7 z\" fill=\"{MET}\"/>",
                y + 10
            );
        }
    }
    out.push_str("</g>\n");
}

fn legend(out: &mut String, y: i64) {
    let _ = writeln!(
        out,
        "<g font-size=\"11\" fill=\"{MUTED}\">\
         <rect x=\"8\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{PHASE}\"/><text x=\"26\" y=\"{y}\">phase, first start to last close</text>\
         <rect x=\"230\" y=\"{}\" width=\"14\" height=\"10\" fill=\"{DEADLINE}\" stroke=\"{DEADLINE_EDGE}\"/><text x=\"248\" y=\"{y}\">deadline, trigger to due</text>\
         <path d=\"M440 {} l5 5 l-5 5 l-5 -5 z\" fill=\"{MET}\"/><text x=\"450\" y=\"{y}\">submitted in time</text>\
         <rect x=\"580\" y=\"{}\" width=\"14\" height=\"8\" fill=\"{BREACH}\"/><text x=\"598\" y=\"{y}\" fill=\"{BREACH}\">✗ late (BREACHED)</text>\
         </g>",
        y - 9,
        y - 9,
        y - 10,
        y - 8
    );
}

/// A label that fits beside the plot. `Clock: Stage` labels shorten the
/// clock's title and keep the stage's, so two stages of one clock never
/// read the same.
fn truncate(text: &str) -> String {
    if text.chars().count() <= LABEL_CHARS {
        return text.to_string();
    }
    if let Some((clock, stage)) = text.split_once(": ") {
        let room = LABEL_CHARS.saturating_sub(stage.chars().count() + 2);
        if room >= 8 {
            return format!("{}: {stage}", cut(clock, room));
        }
    }
    cut(text, LABEL_CHARS)
}

/// `text` in at most `chars` characters, the last one `…` when cut.
fn cut(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let mut short: String = text.chars().take(chars.saturating_sub(1)).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m15_two_stages_of_one_long_clock_keep_distinct_labels() {
        let clock = "GDPR Art. 33 personal data breach notification to the authority";
        let notify = truncate(&format!("{clock}: Notify"));
        let phased = truncate(&format!("{clock}: Phased information"));
        assert_ne!(notify, phased);
        assert!(notify.ends_with("…: Notify"), "{notify}");
        assert!(phased.ends_with("…: Phased information"), "{phased}");
        for label in [&notify, &phased] {
            assert!(label.chars().count() <= LABEL_CHARS, "{label}");
        }
        assert_eq!(truncate("Phase: Detect"), "Phase: Detect");
        let long_stage = format!("Clock: {}", "x".repeat(60));
        assert_eq!(truncate(&long_stage).chars().count(), LABEL_CHARS);
    }
}
