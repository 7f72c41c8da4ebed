//! Adding legal periods to instants: exact hours, calendar days, business
//! days and calendar months, in a time zone with a holiday list.

use chrono::{
    DateTime, Datelike as _, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _, Utc,
    Weekday,
};
use chrono_tz::Tz;

use crate::playbook::Period;

/// Where days are counted: a zone, the dates that are not business days,
/// and an optional local cut-off time for day-based deadlines.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    pub tz: Tz,
    pub holidays: &'a [NaiveDate],
    pub cutoff: Option<NaiveTime>,
}

impl Calendar<'_> {
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// A local wall time as UTC. An ambiguous time (clocks going back) takes
    /// the earlier instant; a time in a spring-forward gap moves to the first
    /// instant after the gap. Both are the conservative choice for a deadline
    /// that is as early as it can be without inventing a time.
    pub fn to_utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        if let Some(t) = self.tz.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        let mut probe = local;
        for _ in 0..(4 * 60) {
            probe += chrono::Duration::minutes(1);
            if let Some(t) = self.tz.from_local_datetime(&probe).earliest() {
                return t.with_timezone(&Utc);
            }
        }
        local.and_utc()
    }

    fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.tz).naive_local()
    }

    /// The end of a local date (24:00), or its cut-off time if one is set.
    fn end_of(&self, date: NaiveDate) -> DateTime<Utc> {
        match self.cutoff {
            Some(cutoff) => self.to_utc(date.and_time(cutoff)),
            None => self.to_utc(date.succ_opt().unwrap_or(date).and_time(NaiveTime::MIN)),
        }
    }

    /// A trigger on a non-business day counts from the start of the next
    /// business day (Form 8-K General Instruction B.1).
    pub fn next_business_start(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let mut date = self.local(t).date();
        if self.is_business_day(date) {
            return t;
        }
        while !self.is_business_day(date) {
            date = date.succ_opt().unwrap_or(date);
        }
        self.to_utc(date.and_time(NaiveTime::MIN))
    }

    /// 31 December 24:00 of the trigger's local year.
    pub fn end_of_year(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        let year = self.local(t).date().year();
        let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
        self.to_utc(next.and_time(NaiveTime::MIN))
    }
}

/// The deadline `period` after `start`.
///
/// - exact spans are added in UTC;
/// - `Nd`: the same local wall time N days later (or the cut-off that day);
/// - business days: the end (or cut-off) of the Nth business day after the
///   start's local date;
/// - months: the same local date and time N months later, clamped to the
///   month's last day (31 Jan + 1 month = end of February).
pub fn add_period(start: DateTime<Utc>, period: Period, cal: &Calendar<'_>) -> DateTime<Utc> {
    let local = cal.local(start);
    match period {
        Period::Exact(d) => start + d,
        Period::Days(n) => {
            let date = local
                .date()
                .checked_add_days(Days::new(u64::from(n)))
                .unwrap_or(local.date());
            match cal.cutoff {
                Some(_) => cal.end_of(date),
                None => cal.to_utc(date.and_time(local.time())),
            }
        }
        Period::BusinessDays(n) => {
            let mut date = local.date();
            let mut counted = 0;
            while counted < n {
                date = date.succ_opt().unwrap_or(date);
                if cal.is_business_day(date) {
                    counted += 1;
                }
            }
            cal.end_of(date)
        }
        Period::Months(n) => {
            let date = local
                .date()
                .checked_add_months(Months::new(n))
                .unwrap_or(local.date());
            match cal.cutoff {
                Some(_) => cal.end_of(date),
                None => cal.to_utc(date.and_time(local.time())),
            }
        }
    }
}
