use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone as _, Utc};
use chrono_tz::Tz;

use super::arith::{Calendar, add_period};
use crate::playbook::Period;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid test time")
        .with_timezone(&Utc)
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid test date")
}

fn zone(name: &str) -> Tz {
    name.parse().expect("known zone")
}

/// (start, period, zone, holidays, cutoff, expected due) — each row written
/// out by hand from a calendar.
#[test]
fn deadline_arithmetic_table() {
    let us_holidays = [date("2026-11-26"), date("2026-12-25"), date("2027-01-01")];
    let none: [NaiveDate; 0] = [];
    let cutoff = NaiveTime::from_hms_opt(17, 30, 0);
    let rows: Vec<(&str, Period, &str, &[NaiveDate], Option<NaiveTime>, &str)> = vec![
        // Exact hours: no weekend relief, straight through a DST change.
        (
            "2026-03-27T10:00:00Z",
            Period::Exact(Duration::hours(72)),
            "Europe/Brussels",
            &none,
            None,
            "2026-03-30T10:00:00Z",
        ),
        (
            "2026-10-23T22:30:00Z",
            Period::Exact(Duration::hours(24)),
            "Europe/Brussels",
            &none,
            None,
            "2026-10-24T22:30:00Z",
        ),
        // Calendar days keep the local wall time across a DST change:
        // 28 Mar 09:00 CET + 3d = 31 Mar 09:00 CEST (07:00Z), 71 h later.
        (
            "2026-03-28T08:00:00Z",
            Period::Days(3),
            "Europe/Brussels",
            &none,
            None,
            "2026-03-31T07:00:00Z",
        ),
        (
            "2026-10-24T07:00:00Z",
            Period::Days(2),
            "Europe/Brussels",
            &none,
            None,
            "2026-10-26T08:00:00Z",
        ),
        // SEC 8-K: determination Friday 27 Nov 2026 15:00 ET -> Thursday 3 Dec 17:30 ET.
        (
            "2026-11-27T20:00:00Z",
            Period::BusinessDays(4),
            "America/New_York",
            &us_holidays,
            cutoff,
            "2026-12-03T22:30:00Z",
        ),
        // ... Monday 30 Nov -> Friday 4 Dec.
        (
            "2026-11-30T15:00:00Z",
            Period::BusinessDays(4),
            "America/New_York",
            &us_holidays,
            cutoff,
            "2026-12-04T22:30:00Z",
        ),
        // ... Saturday 28 Nov -> Thursday 3 Dec.
        (
            "2026-11-28T15:00:00Z",
            Period::BusinessDays(4),
            "America/New_York",
            &us_holidays,
            cutoff,
            "2026-12-03T22:30:00Z",
        ),
        // ... Wednesday 25 Nov: Thanksgiving (26th) skipped -> 27, 30 Nov, 1, 2 Dec.
        (
            "2026-11-25T15:00:00Z",
            Period::BusinessDays(4),
            "America/New_York",
            &us_holidays,
            cutoff,
            "2026-12-02T22:30:00Z",
        ),
        // ... across Christmas and New Year: Wed 23 Dec -> 24, 28, 29, 30 Dec.
        (
            "2026-12-23T15:00:00Z",
            Period::BusinessDays(4),
            "America/New_York",
            &us_holidays,
            cutoff,
            "2026-12-30T22:30:00Z",
        ),
        // Business days without a cut-off end at local midnight.
        (
            "2026-11-27T10:00:00Z",
            Period::BusinessDays(1),
            "Europe/Amsterdam",
            &none,
            None,
            "2026-11-30T23:00:00Z",
        ),
        // Months clamp to the month's end, leap years included.
        (
            "2026-01-31T09:00:00Z",
            Period::Months(1),
            "UTC",
            &none,
            None,
            "2026-02-28T09:00:00Z",
        ),
        (
            "2028-01-31T09:00:00Z",
            Period::Months(1),
            "UTC",
            &none,
            None,
            "2028-02-29T09:00:00Z",
        ),
        (
            "2028-02-29T09:00:00Z",
            Period::Months(1),
            "UTC",
            &none,
            None,
            "2028-03-29T09:00:00Z",
        ),
        (
            "2028-02-29T09:00:00Z",
            Period::Months(12),
            "UTC",
            &none,
            None,
            "2029-02-28T09:00:00Z",
        ),
        (
            "2026-08-31T12:00:00Z",
            Period::Months(1),
            "Europe/Paris",
            &none,
            None,
            "2026-09-30T12:00:00Z",
        ),
        // A month across the autumn DST change keeps local 10:00.
        (
            "2026-10-15T08:00:00Z",
            Period::Months(1),
            "Europe/Paris",
            &none,
            None,
            "2026-11-15T09:00:00Z",
        ),
        // HIPAA 60 calendar days.
        (
            "2026-11-28T14:00:00Z",
            Period::Days(60),
            "America/Chicago",
            &none,
            None,
            "2027-01-27T14:00:00Z",
        ),
    ];
    for (start, period, tz, holidays, cutoff, expected) in rows {
        let cal = Calendar {
            tz: zone(tz),
            holidays,
            cutoff,
        };
        assert_eq!(
            add_period(utc(start), period, &cal),
            utc(expected),
            "{start} + {period} in {tz}"
        );
    }
}

#[test]
fn start_rules() {
    let cal = Calendar {
        tz: zone("America/New_York"),
        holidays: &[],
        cutoff: None,
    };
    // Saturday counts from Monday 00:00 local.
    assert_eq!(
        cal.next_business_start(utc("2026-11-28T15:00:00Z")),
        utc("2026-11-30T05:00:00Z")
    );
    // A business day is unchanged.
    assert_eq!(
        cal.next_business_start(utc("2026-11-27T15:00:00Z")),
        utc("2026-11-27T15:00:00Z")
    );
    // HIPAA under-500: 60 days after 31 Dec 24:00 -> end of 1 March, or of 29 Feb in a leap year.
    let utc_cal = Calendar {
        tz: chrono_tz::UTC,
        holidays: &[],
        cutoff: None,
    };
    let end = utc_cal.end_of_year(utc("2026-05-10T10:00:00Z"));
    assert_eq!(end, utc("2027-01-01T00:00:00Z"));
    assert_eq!(
        add_period(end, Period::Days(60), &utc_cal),
        utc("2027-03-02T00:00:00Z")
    );
    let leap = utc_cal.end_of_year(utc("2027-05-10T10:00:00Z"));
    assert_eq!(
        add_period(leap, Period::Days(60), &utc_cal),
        utc("2028-03-01T00:00:00Z")
    );
}

#[test]
fn spring_forward_gap_moves_after_the_gap() {
    let cal = Calendar {
        tz: zone("Europe/Brussels"),
        holidays: &[],
        cutoff: None,
    };
    // 28 Mar 02:30 + 1d = 29 Mar 02:30, which does not exist: 03:00 CEST.
    let start = zone("Europe/Brussels")
        .with_ymd_and_hms(2026, 3, 28, 2, 30, 0)
        .single()
        .expect("exists")
        .with_timezone(&Utc);
    assert_eq!(
        add_period(start, Period::Days(1), &cal),
        utc("2026-03-29T01:00:00Z")
    );
}

#[test]
fn formats_durations_compactly() {
    assert_eq!(super::format_duration(Duration::minutes(12)), "12m");
    assert_eq!(super::format_duration(Duration::minutes(320)), "5h 20m");
    assert_eq!(super::format_duration(Duration::hours(76)), "3d 4h");
    assert_eq!(super::format_duration(-Duration::hours(2)), "-2h 00m");
}
