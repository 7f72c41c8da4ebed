//! Times and durations as exports show them: every time names its zone,
//! every duration is exact to the minute (seconds when they matter).

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// `2026-11-02 08:00:00 UTC`.
pub fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// `2026-11-02 09:00:00 CET`.
pub fn local(t: DateTime<Utc>, tz: Tz) -> String {
    if !crate::playbook::value::in_calendar(t) {
        return utc(t);
    }
    t.with_timezone(&tz)
        .format("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}

/// `2026-11-02 09:00 CET (08:00 UTC)`: the incident zone with UTC beside.
pub fn both(t: DateTime<Utc>, tz: Tz) -> String {
    super::stamp::both(t, tz)
}

/// `2026-11-02T08:00:00.000000Z`: the journal's own timestamp form.
pub fn iso(t: DateTime<Utc>) -> String {
    crate::journal::timestamp::format(&t)
}

/// `1d 9h 35m`, `2h 05m`, `40m`, `12s`: exact, unlike the rounded form
/// screens use, because reviewers compare margins.
pub fn span(d: Duration) -> String {
    let secs = d.num_seconds().unsigned_abs();
    let (days, hours, minutes, seconds) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    let mut text = match (days, hours) {
        (0, 0) => format!("{minutes}m"),
        (0, h) => format!("{h}h {minutes:02}m"),
        (d, h) => format!("{d}d {h}h {minutes:02}m"),
    };
    if seconds != 0 {
        text = if secs < 60 {
            format!("{seconds}s")
        } else {
            format!("{text} {seconds:02}s")
        };
    }
    if d < Duration::zero() {
        format!("-{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_exact() {
        let cases = [
            (0, "0m"),
            (12, "12s"),
            (40 * 60, "40m"),
            (2 * 3600 + 5 * 60, "2h 05m"),
            (33 * 3600 + 35 * 60, "1d 9h 35m"),
            (3600 + 7, "1h 00m 07s"),
            (-(9 * 3600 + 35 * 60), "-9h 35m"),
        ];
        for (secs, text) in cases {
            assert_eq!(span(Duration::seconds(secs)), text, "{secs}");
        }
    }

    #[test]
    fn zones_are_named() {
        let t = DateTime::parse_from_rfc3339("2026-11-02T08:00:00Z")
            .unwrap()
            .to_utc();
        let tz: Tz = "Europe/Amsterdam".parse().unwrap();
        assert_eq!(utc(t), "2026-11-02 08:00:00 UTC");
        assert_eq!(local(t, tz), "2026-11-02 09:00:00 CET");
        assert_eq!(iso(t), "2026-11-02T08:00:00.000000Z");
    }
}
