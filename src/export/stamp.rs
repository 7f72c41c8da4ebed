//! The times of [`super::when`], with their formats parsed once rather
//! than on every call: a report formats a few hundred thousand of them.

use std::sync::LazyLock;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::playbook::value::in_calendar;

/// A strftime format, parsed.
struct Format(LazyLock<Vec<Item<'static>>>);

impl Format {
    const fn new(parse: fn() -> Vec<Item<'static>>) -> Self {
        Self(LazyLock::new(parse))
    }

    fn items(&self) -> std::slice::Iter<'_, Item<'static>> {
        self.0.iter()
    }
}

/// Parses `format`, a constant known to be valid.
fn parsed(format: &'static str) -> Vec<Item<'static>> {
    StrftimeItems::new(format).collect()
}

static UTC_SECONDS: Format = Format::new(|| parsed("%Y-%m-%d %H:%M:%S UTC"));
static LOCAL_SECONDS: Format = Format::new(|| parsed("%Y-%m-%d %H:%M:%S %Z"));
static MINUTES: Format = Format::new(|| parsed("%Y-%m-%d %H:%M"));
static ZONE: Format = Format::new(|| parsed("%Z"));
static UTC_TIME: Format = Format::new(|| parsed("%H:%M UTC"));
static UTC_MINUTES: Format = Format::new(|| parsed("%Y-%m-%d %H:%M UTC"));
static LOCAL_MINUTES: Format = Format::new(|| parsed("%Y-%m-%d %H:%M %Z"));

/// [`when::utc`].
pub fn utc(t: DateTime<Utc>) -> String {
    t.format_with_items(UTC_SECONDS.items()).to_string()
}

/// [`when::local`].
pub fn local(t: DateTime<Utc>, tz: Tz) -> String {
    if !in_calendar(t) {
        return utc(t);
    }
    t.with_timezone(&tz)
        .format_with_items(LOCAL_SECONDS.items())
        .to_string()
}

/// [`when::both`].
pub fn both(t: DateTime<Utc>, tz: Tz) -> String {
    if !in_calendar(t) {
        return format!("{} UTC", t.format_with_items(MINUTES.items()));
    }
    let local = t.with_timezone(&tz);
    if local.format_with_items(ZONE.items()).to_string() == "UTC" {
        return format!("{} UTC", t.format_with_items(MINUTES.items()));
    }
    let utc = if local.date_naive() == t.date_naive() {
        t.format_with_items(UTC_TIME.items()).to_string()
    } else {
        t.format_with_items(UTC_MINUTES.items()).to_string()
    };
    format!("{} ({utc})", local.format_with_items(LOCAL_MINUTES.items()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::when;

    /// Around the year's ends, across both DST changes, at midnight in
    /// either zone and outside the calendar: the same text as `when`.
    #[test]
    fn times_read_as_when_writes_them() {
        let zones = [
            chrono_tz::Europe::Amsterdam,
            chrono_tz::America::New_York,
            chrono_tz::Asia::Kolkata,
            chrono_tz::UTC,
            chrono_tz::Etc::GMT,
        ];
        let mut times: Vec<DateTime<Utc>> = [
            "2026-03-29T00:59:59Z",
            "2026-03-29T01:00:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-25T01:30:00Z",
            "2026-12-31T23:30:00Z",
            "2027-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
        ]
        .iter()
        .map(|t| t.parse().expect("a time"))
        .collect();
        times.extend([
            DateTime::UNIX_EPOCH,
            DateTime::<Utc>::MAX_UTC,
            DateTime::<Utc>::MIN_UTC,
        ]);
        for t in times {
            assert_eq!(utc(t), when::utc(t), "{t:?}");
            for tz in zones {
                assert_eq!(local(t, tz), when::local(t, tz), "{t:?} {tz}");
                assert_eq!(both(t, tz), when::both(t, tz), "{t:?} {tz}");
            }
        }
    }
}
