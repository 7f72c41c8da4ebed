//! Durations as written in playbooks and clock packs: exact spans (minutes,
//! hours), calendar days, business days and calendar months. Each kind is
//! kept apart because each is added to a date differently.

use std::fmt;

use chrono::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// Exact elapsed time (minutes, hours), no weekend relief.
    Exact(Duration),
    /// Calendar days: the same wall-clock time N days later.
    Days(u32),
    /// Monday to Friday, minus holidays.
    BusinessDays(u32),
    /// Calendar months, clamped to the month's last day.
    Months(u32),
}

impl Period {
    /// A rough length, for ordering and for advisory timeboxes.
    pub fn approximate(self) -> Duration {
        match self {
            Self::Exact(d) => d,
            Self::Days(n) => Duration::days(i64::from(n)),
            Self::BusinessDays(n) => Duration::days(i64::from(n) * 7 / 5),
            Self::Months(n) => Duration::days(i64::from(n) * 30),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(d) => f.write_str(&format_span(*d)),
            Self::Days(n) => write!(f, "{n}d"),
            Self::BusinessDays(1) => f.write_str("1 business day"),
            Self::BusinessDays(n) => write!(f, "{n} business days"),
            Self::Months(1) => f.write_str("1 month"),
            Self::Months(n) => write!(f, "{n} months"),
        }
    }
}

/// `90m` → `1h30m`, `72h` stays `72h`: compact, exact, and re-parseable.
pub fn format_span(d: Duration) -> String {
    let minutes = d.num_minutes();
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

const HINT: &str = "write e.g. `90m`, `24h`, `1h30m`, `3d`, `2w`, `4 business days` or `1 month`";

/// Parses a duration; the error says what is accepted.
pub fn parse(text: &str) -> Result<Period, String> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let bad = || format!("`{text}` is not a duration; {HINT}");
    match words.as_slice() {
        [n, "business", "day" | "days"] => Ok(Period::BusinessDays(count(n).ok_or_else(bad)?)),
        [n, "month" | "months"] => Ok(Period::Months(count(n).ok_or_else(bad)?)),
        [n, "day" | "days"] => Ok(Period::Days(count(n).ok_or_else(bad)?)),
        [n, "week" | "weeks"] => Ok(Period::Days(count(n).ok_or_else(bad)? * 7)),
        [n, unit @ ("hour" | "hours" | "minute" | "minutes" | "min")] => {
            let n = i64::from(count(n).ok_or_else(bad)?);
            Ok(Period::Exact(if unit.starts_with('h') {
                Duration::hours(n)
            } else {
                Duration::minutes(n)
            }))
        }
        [compact] => parse_compact(compact).ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn count(text: &str) -> Option<u32> {
    text.parse().ok().filter(|n| *n > 0 && *n <= 100_000)
}

/// `90m`, `1h30m`, `3d`, `2w`: days and weeks alone; hours and minutes may mix.
fn parse_compact(text: &str) -> Option<Period> {
    let mut minutes: i64 = 0;
    let mut digits = String::new();
    let mut parts = Vec::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: u32 = count(&digits)?;
        digits.clear();
        parts.push((n, c));
    }
    if !digits.is_empty() || parts.is_empty() {
        return None;
    }
    if let [(n, unit @ ('d' | 'w'))] = parts.as_slice() {
        return Some(Period::Days(if *unit == 'w' { n * 7 } else { *n }));
    }
    let mut last_unit = ' ';
    for (n, unit) in parts {
        let order = match unit {
            'h' => 1,
            'm' => 2,
            _ => return None,
        };
        if order
            <= match last_unit {
                'h' => 1,
                'm' => 2,
                _ => 0,
            }
        {
            return None;
        }
        last_unit = unit;
        minutes += i64::from(n) * if unit == 'h' { 60 } else { 1 };
    }
    Some(Period::Exact(Duration::minutes(minutes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let cases = [
            ("90m", Period::Exact(Duration::minutes(90))),
            ("24h", Period::Exact(Duration::hours(24))),
            ("1h30m", Period::Exact(Duration::minutes(90))),
            ("72 hours", Period::Exact(Duration::hours(72))),
            ("30 minutes", Period::Exact(Duration::minutes(30))),
            ("3d", Period::Days(3)),
            ("60 days", Period::Days(60)),
            ("2w", Period::Days(14)),
            ("4 business days", Period::BusinessDays(4)),
            ("1 Month", Period::Months(1)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Ok(expected), "{text}");
            assert_eq!(
                parse(&parse(text).unwrap().to_string()),
                Ok(expected),
                "{text}"
            );
        }
    }

    #[test]
    fn refused_forms() {
        for text in [
            "",
            "0h",
            "h",
            "24",
            "3 fortnights",
            "1m1h",
            "1d2h",
            "-3h",
            "4 business",
        ] {
            assert!(parse(text).is_err(), "{text} should be refused");
        }
        assert!(parse("soon").unwrap_err().contains("4 business days"));
    }
}
