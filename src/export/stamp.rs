//! The times of [`super::when`], written digit by digit rather than
//! through a strftime format: a report writes a few hundred thousand of
//! them. The text is chrono's own (the tests hold it to chrono's).

use std::fmt::Write as _;

use chrono::{DateTime, Datelike as _, NaiveDateTime, TimeZone, Timelike as _, Utc};
use chrono_tz::Tz;

use crate::playbook::value::in_calendar;

/// [`when::utc`](super::when::utc).
pub fn utc(t: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(23);
    push_date_time(&mut out, &t.naive_utc(), true);
    out.push_str(" UTC");
    out
}

/// [`when::local`](super::when::local).
pub fn local(t: DateTime<Utc>, tz: Tz) -> String {
    if !in_calendar(t) {
        return utc(t);
    }
    let local = t.with_timezone(&tz);
    let mut out = String::with_capacity(26);
    push_date_time(&mut out, &local.naive_local(), true);
    let _ = write!(out, " {}", local.offset());
    out
}

/// [`when::both`](super::when::both): `2026-11-02 09:00 CET (08:00 UTC)`.
pub fn both(t: DateTime<Utc>, tz: Tz) -> String {
    let mut out = String::with_capacity(32);
    if in_calendar(t) {
        // Converted only within the calendar: chrono's limits are near.
        let local = t.with_timezone(&tz);
        push_date_time(&mut out, &local.naive_local(), false);
        out.push(' ');
        let zone = out.len();
        let _ = write!(out, "{}", local.offset());
        if out[zone..] != *"UTC" {
            out.push_str(" (");
            if local.date_naive() == t.date_naive() {
                push_two(&mut out, t.hour());
                out.push(':');
                push_two(&mut out, t.minute());
            } else {
                push_date_time(&mut out, &t.naive_utc(), false);
            }
            out.push_str(" UTC)");
            return out;
        }
        out.clear();
    }
    push_date_time(&mut out, &t.naive_utc(), false);
    out.push_str(" UTC");
    out
}

/// `%Y-%m-%d %H:%M`, with `:%S` when `seconds`, as chrono writes them
/// (chrono itself for a year outside 0000 to 9999, which it signs).
fn push_date_time(out: &mut String, t: &NaiveDateTime, seconds: bool) {
    if !(0..=9999).contains(&t.year()) {
        let format = if seconds {
            "%Y-%m-%d %H:%M:%S"
        } else {
            "%Y-%m-%d %H:%M"
        };
        let _ = write!(out, "{}", Utc.from_utc_datetime(t).format(format));
        return;
    }
    let year = t.year().unsigned_abs();
    push_two(out, year / 100);
    push_two(out, year % 100);
    out.push('-');
    push_two(out, t.month());
    out.push('-');
    push_two(out, t.day());
    out.push(' ');
    push_two(out, t.hour());
    out.push(':');
    push_two(out, t.minute());
    if seconds {
        out.push(':');
        push_two(out, t.second());
    }
}

/// `n` (below 100) as two digits.
fn push_two(out: &mut String, n: u32) {
    for digit in [n / 10 % 10, n % 10] {
        out.push(char::from_digit(digit, 10).unwrap_or('0'));
    }
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
            chrono_tz::America::Sao_Paulo,
            chrono_tz::Pacific::Kiritimati,
        ];
        let mut times: Vec<DateTime<Utc>> = [
            "2026-03-29T00:59:59Z",
            "2026-03-29T01:00:00Z",
            "2026-10-25T00:30:00Z",
            "2026-10-25T01:30:00Z",
            "2026-12-31T23:30:00Z",
            "2027-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "0000-01-01T00:30:00Z",
            "9999-12-31T23:30:00Z",
            "2026-07-04T09:05:07Z",
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
                let chrono = crate::playbook::value::format_local_and_utc(t, tz);
                assert_eq!(both(t, tz), chrono, "{t:?} {tz}");
            }
        }
    }
}
