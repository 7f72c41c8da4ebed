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

/// Checks `start + period` in `zone` against a due time written out by hand
/// from a calendar.
fn check(
    start: &str,
    period: Period,
    zone_name: &str,
    holidays: &[NaiveDate],
    cutoff: Option<NaiveTime>,
    due: &str,
) {
    let cal = Calendar {
        tz: zone(zone_name),
        holidays,
        cutoff,
    };
    assert_eq!(
        add_period(utc(start), period, &cal),
        utc(due),
        "{start} + {period} in {zone_name}"
    );
}

#[test]
fn exact_hours_ignore_weekends_and_daylight_saving() {
    let h = |n| Period::Exact(Duration::hours(n));
    check(
        "2026-03-27T10:00:00Z",
        h(72),
        "Europe/Brussels",
        &[],
        None,
        "2026-03-30T10:00:00Z",
    );
    check(
        "2026-10-23T22:30:00Z",
        h(24),
        "Europe/Brussels",
        &[],
        None,
        "2026-10-24T22:30:00Z",
    );
}

#[test]
fn calendar_days_keep_the_local_wall_time_across_daylight_saving() {
    // 28 Mar 09:00 CET + 3d = 31 Mar 09:00 CEST (07:00Z), 71 h later.
    check(
        "2026-03-28T08:00:00Z",
        Period::Days(3),
        "Europe/Brussels",
        &[],
        None,
        "2026-03-31T07:00:00Z",
    );
    check(
        "2026-10-24T07:00:00Z",
        Period::Days(2),
        "Europe/Brussels",
        &[],
        None,
        "2026-10-26T08:00:00Z",
    );
    // HIPAA 60 calendar days.
    check(
        "2026-11-28T14:00:00Z",
        Period::Days(60),
        "America/Chicago",
        &[],
        None,
        "2027-01-27T14:00:00Z",
    );
}

#[test]
fn business_days_skip_weekends_and_holidays() {
    let us = [date("2026-11-26"), date("2026-12-25"), date("2027-01-01")];
    let cutoff = NaiveTime::from_hms_opt(17, 30, 0);
    let sec = |start: &str, due: &str| {
        check(
            start,
            Period::BusinessDays(4),
            "America/New_York",
            &us,
            cutoff,
            due,
        );
    };
    // Determination on Friday 27 Nov 2026 15:00 ET -> Thursday 3 Dec 17:30 ET.
    sec("2026-11-27T20:00:00Z", "2026-12-03T22:30:00Z");
    // Monday 30 Nov -> Friday 4 Dec.
    sec("2026-11-30T15:00:00Z", "2026-12-04T22:30:00Z");
    // Saturday 28 Nov -> Thursday 3 Dec (Form 8-K B.1).
    sec("2026-11-28T15:00:00Z", "2026-12-03T22:30:00Z");
    // Wednesday 25 Nov: Thanksgiving (26th) skipped -> 27, 30 Nov, 1, 2 Dec.
    sec("2026-11-25T15:00:00Z", "2026-12-02T22:30:00Z");
    // Across Christmas: Wed 23 Dec -> 24, 28, 29, 30 Dec.
    sec("2026-12-23T15:00:00Z", "2026-12-30T22:30:00Z");
    // Without a cut-off the last business day ends at local midnight.
    check(
        "2026-11-27T10:00:00Z",
        Period::BusinessDays(1),
        "Europe/Amsterdam",
        &[],
        None,
        "2026-11-30T23:00:00Z",
    );
}

#[test]
fn months_clamp_to_the_end_of_the_month_and_leap_days() {
    let m = Period::Months;
    check(
        "2026-01-31T09:00:00Z",
        m(1),
        "UTC",
        &[],
        None,
        "2026-02-28T09:00:00Z",
    );
    check(
        "2028-01-31T09:00:00Z",
        m(1),
        "UTC",
        &[],
        None,
        "2028-02-29T09:00:00Z",
    );
    check(
        "2028-02-29T09:00:00Z",
        m(1),
        "UTC",
        &[],
        None,
        "2028-03-29T09:00:00Z",
    );
    check(
        "2028-02-29T09:00:00Z",
        m(12),
        "UTC",
        &[],
        None,
        "2029-02-28T09:00:00Z",
    );
    check(
        "2026-08-31T12:00:00Z",
        m(1),
        "Europe/Paris",
        &[],
        None,
        "2026-09-30T12:00:00Z",
    );
    // A month across the autumn change keeps local 10:00.
    check(
        "2026-10-15T08:00:00Z",
        m(1),
        "Europe/Paris",
        &[],
        None,
        "2026-11-15T09:00:00Z",
    );
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
