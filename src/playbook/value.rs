//! Typed fact values: what responders enter, what the journal stores, and
//! how values are shown back (datetimes in the incident's zone and UTC).

use chrono::{
    DateTime, Datelike as _, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

use super::{FactDef, FactType};

/// The value of a fact. A single choice and a multiple choice are distinct so
/// the journal keeps the shape the playbook asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum FactValue {
    Text(String),
    Bool(bool),
    Number(f64),
    DateTime(DateTime<Utc>),
    Choice(String),
    Choices(Vec<String>),
}

impl FactValue {
    /// Truth of a bare fact in a `when:` expression.
    pub fn is_truthy(&self) -> bool {
        match self {
            Self::Text(s) | Self::Choice(s) => !s.trim().is_empty(),
            Self::Bool(b) => *b,
            Self::Number(n) => *n != 0.0,
            Self::DateTime(_) => true,
            Self::Choices(items) => !items.is_empty(),
        }
    }

    pub fn as_datetime(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::DateTime(t) => Some(*t),
            _ => None,
        }
    }

    /// The journal encoding: JSON scalars, RFC 3339 UTC for datetimes, an
    /// array for a multiple choice.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Self::Text(s) | Self::Choice(s) => Value::String(s.clone()),
            Self::Bool(b) => Value::Bool(*b),
            Self::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            Self::DateTime(t) => Value::String(format_utc(*t)),
            Self::Choices(items) => {
                Value::Array(items.iter().cloned().map(Value::String).collect())
            }
        }
    }

    /// Decodes a journal value for a fact of the given definition.
    pub fn from_json(def: &FactDef, json: &serde_json::Value) -> Result<Self, String> {
        use serde_json::Value;
        let wrong = || {
            format!(
                "expected {} for fact `{}`, found {json}",
                def.ty.describe(def.multiple),
                def.id
            )
        };
        match (&def.ty, json) {
            (FactType::Text, Value::String(s)) => Ok(Self::Text(s.clone())),
            (FactType::Bool, Value::Bool(b)) => Ok(Self::Bool(*b)),
            (FactType::Number, Value::Number(n)) => n.as_f64().map(Self::Number).ok_or_else(wrong),
            (FactType::DateTime, Value::String(s)) => DateTime::parse_from_rfc3339(s)
                .map(|t| Self::DateTime(t.with_timezone(&Utc)))
                .map_err(|_| wrong()),
            (FactType::Choice(_), Value::String(s)) if !def.multiple => Ok(Self::Choice(s.clone())),
            (FactType::Choice(_), Value::Array(items)) if def.multiple => items
                .iter()
                .map(|i| i.as_str().map(str::to_string).ok_or_else(wrong))
                .collect::<Result<_, _>>()
                .map(Self::Choices),
            _ => Err(wrong()),
        }
    }

    /// The value as a person reads it: labels for choices, `yes`/`no`,
    /// datetimes in the incident zone with UTC beside.
    pub fn display(&self, def: Option<&FactDef>, tz: Tz) -> String {
        let label = |v: &str| def.and_then(|d| d.option_label(v)).unwrap_or(v).to_string();
        match self {
            Self::Text(s) => s.clone(),
            Self::Bool(true) => "yes".into(),
            Self::Bool(false) => "no".into(),
            Self::Number(n) => format_number(*n),
            Self::DateTime(t) => format_local_and_utc(*t, tz),
            Self::Choice(s) => label(s),
            Self::Choices(items) if items.is_empty() => "none".into(),
            Self::Choices(items) => items
                .iter()
                .map(|i| label(i))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// `1200`, `0.5`: no trailing `.0` on whole numbers.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// RFC 3339 UTC with whole seconds, as stored in fact values.
pub fn format_utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `2026-11-28 14:05 CET (13:05 UTC)`; the UTC part carries its date when it
/// differs from the local date.
pub fn format_local_and_utc(t: DateTime<Utc>, tz: Tz) -> String {
    if !in_calendar(t) {
        return format!("{} UTC", t.format("%Y-%m-%d %H:%M"));
    }
    let local = t.with_timezone(&tz);
    if local.format("%Z").to_string() == "UTC" {
        return format!("{} UTC", t.format("%Y-%m-%d %H:%M"));
    }
    let utc = if local.date_naive() == t.date_naive() {
        t.format("%H:%M UTC").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    };
    format!("{} ({utc})", local.format("%Y-%m-%d %H:%M %Z"))
}

/// True for years 0000 to 9999, which every time zone conversion can hold
/// (chrono's own limits are near enough to overflow on conversion).
pub fn in_calendar(t: DateTime<Utc>) -> bool {
    (0..=9999).contains(&t.year())
}

/// Parses what a responder typed for a fact.
///
/// Datetimes accept `now`, `14:05` (today, incident zone), `-2h`, `-1h30m`,
/// `-3d`, `2026-11-28 14:05` (incident zone) and RFC 3339.
pub fn parse_input(
    def: &FactDef,
    input: &str,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<FactValue, String> {
    let input = input.trim();
    match &def.ty {
        FactType::Text => {
            if input.is_empty() {
                Err("enter some text".into())
            } else {
                Ok(FactValue::Text(input.to_string()))
            }
        }
        FactType::Bool => match input.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" => Ok(FactValue::Bool(true)),
            "false" | "no" | "n" => Ok(FactValue::Bool(false)),
            _ => Err("expected yes or no".into()),
        },
        FactType::Number => {
            // Beyond 2^53 a number is no longer kept exactly: refused
            // rather than saved as a different value. `-0` is 0.
            const EXACT: f64 = 9_007_199_254_740_992.0;
            let cleaned: String = input.chars().filter(|c| *c != '_').collect();
            let n = cleaned
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| format!("expected a number such as 1200 or 0.5, not `{input}`"))?;
            if n.abs() > EXACT {
                return Err(format!(
                    "`{input}` is larger than 9007199254740992, the largest number kept exactly"
                ));
            }
            Ok(FactValue::Number(if n == 0.0 { 0.0 } else { n }))
        }
        FactType::DateTime => parse_datetime(input, now, tz).map(FactValue::DateTime),
        FactType::Choice(options) => {
            let find = |word: &str| {
                let word = word.trim();
                options
                    .iter()
                    .find(|o| {
                        o.value.eq_ignore_ascii_case(word) || o.label.eq_ignore_ascii_case(word)
                    })
                    .map(|o| o.value.clone())
                    .ok_or_else(|| {
                        let known: Vec<_> = options.iter().map(|o| o.value.as_str()).collect();
                        format!("`{word}` is not one of: {}", known.join(", "))
                    })
            };
            if def.multiple {
                if input.is_empty() || input.eq_ignore_ascii_case("none") {
                    return Ok(FactValue::Choices(Vec::new()));
                }
                let mut chosen: Vec<String> = Vec::new();
                for word in input.split(',') {
                    let v = find(word)?;
                    if !chosen.contains(&v) {
                        chosen.push(v);
                    }
                }
                Ok(FactValue::Choices(chosen))
            } else {
                find(input).map(FactValue::Choice)
            }
        }
    }
}

/// Parses a datetime as a responder writes it; see [`parse_input`].
pub fn parse_datetime(input: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, String> {
    let t = parse_any_datetime(input, now, tz)?;
    // The journal writes four-digit years; anything else would be saved
    // and then refused when the journal is read back.
    if (1..=9999).contains(&t.year()) {
        Ok(t)
    } else {
        Err(format!(
            "`{}` is {} UTC, outside the years 0001 to 9999",
            input.trim(),
            t.format("%Y-%m-%d %H:%M")
        ))
    }
}

fn parse_any_datetime(input: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, String> {
    let input = input.trim();
    let hint = "expected `now`, `14:05`, `-2h`, a local time such as `2026-11-28 14:05` or `2026-11-28T14:05:00`, or a time with its offset such as `2026-11-28T14:05:00Z`";
    if input.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(ago) = input.strip_prefix('-') {
        let span = parse_relative(ago).ok_or_else(|| hint.to_string())?;
        return now
            .checked_sub_signed(span)
            .ok_or_else(|| format!("`{input}` reaches back further than any calendar"));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(input) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = if let Ok(time) = NaiveTime::parse_from_str(input, "%H:%M") {
        now.with_timezone(&tz).date_naive().and_time(time)
    } else if let Ok(dt) = NaiveDateTime::parse_from_str(input, "%Y-%m-%d %H:%M") {
        dt
    } else if let Ok(dt) = NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M") {
        dt
    } else if let Some(dt) = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(input, f).ok())
    {
        // ISO 8601 without an offset: a local time, like `2026-11-28 14:05`.
        dt
    } else if let Ok(d) = NaiveDate::parse_from_str(input, "%Y-%m-%d") {
        d.and_time(NaiveTime::MIN)
    } else {
        return Err(hint.to_string());
    };
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(first, second) => Err(format!(
            "{local} happens twice in {tz} (clocks go back): write `{}` ({}, the first) or `{}` ({}, the second)",
            first.to_rfc3339(),
            first.format("%Z"),
            second.to_rfc3339(),
            second.format("%Z")
        )),
        chrono::LocalResult::None => Err(format!(
            "{local} does not exist in {tz} (a daylight-saving gap)"
        )),
    }
}

/// A local wall time in `tz` as UTC; an ambiguous time (the repeated hour
/// when clocks go back) takes the earlier instant, the conservative choice.
pub fn local_to_utc(local: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// `2h`, `90m`, `1h30m`, `3d`: a span back in time.
fn parse_relative(text: &str) -> Option<Duration> {
    let mut total = Duration::zero();
    let mut digits = String::new();
    let mut any = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        let part = match c {
            'd' => Duration::try_days(n),
            'h' => Duration::try_hours(n),
            'm' => Duration::try_minutes(n),
            _ => return None,
        }?;
        total = total.checked_add(&part)?;
        any = true;
    }
    (digits.is_empty() && any).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::ChoiceOption;

    fn amsterdam() -> Tz {
        "Europe/Amsterdam".parse().expect("zone")
    }

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn d2_values_replay_would_reject_are_refused() {
        let now = at("2026-11-28T12:00:00Z");
        for input in [
            "9999-12-31T23:59:59-12:00",
            "-99999999h",
            "-99999999999999999h",
            "-9999999999999d",
        ] {
            // Refused, never saved (and never a panic on overflow).
            assert!(parse_datetime(input, now, amsterdam()).is_err(), "{input}");
        }
        let e = parse_datetime("-99999999h", now, amsterdam()).unwrap_err();
        assert!(e.contains("outside the years 0001 to 9999"), "{e}");
        assert!(parse_datetime("9999-12-31T23:59:59Z", now, amsterdam()).is_ok());
    }

    #[test]
    fn d21_an_ambiguous_fall_back_time_asks_which_one() {
        let now = at("2026-11-28T12:00:00Z");
        let e = parse_datetime("2026-10-25 02:30", now, amsterdam()).unwrap_err();
        assert!(
            e.contains("happens twice")
                && e.contains("2026-10-25T02:30:00+02:00")
                && e.contains("2026-10-25T02:30:00+01:00"),
            "{e}"
        );
        assert!(parse_datetime("2026-10-25T02:30:00+01:00", now, amsterdam()).is_ok());
    }

    #[test]
    fn d23_numbers_are_exact_or_refused() {
        let number = def(FactType::Number, false);
        let now = at("2026-11-28T12:00:00Z");
        assert!(parse_input(&number, "99999999999999999999999", now, amsterdam()).is_err());
        assert_eq!(
            parse_input(&number, "9007199254740992", now, amsterdam()),
            Ok(FactValue::Number(9_007_199_254_740_992.0))
        );
        let zero = parse_input(&number, "-0", now, amsterdam()).expect("zero");
        assert!(matches!(zero, FactValue::Number(n) if n.is_sign_positive()));
    }

    fn def(ty: FactType, multiple: bool) -> FactDef {
        FactDef {
            id: "f".into(),
            prompt: "?".into(),
            ty,
            multiple,
            help: None,
            not_before: Vec::new(),
            not_after: Vec::new(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 13, 30, 0).unwrap()
    }

    #[test]
    fn datetime_inputs() {
        let tz: Tz = "Europe/Amsterdam".parse().unwrap();
        let d = def(FactType::DateTime, false);
        let cases = [
            ("now", "2026-11-28T13:30:00Z"),
            ("14:05", "2026-11-28T13:05:00Z"),
            ("-2h", "2026-11-28T11:30:00Z"),
            ("-1h30m", "2026-11-28T12:00:00Z"),
            ("2026-11-27 09:00", "2026-11-27T08:00:00Z"),
            ("2026-11-28T14:05:00+01:00", "2026-11-28T13:05:00Z"),
        ];
        for (input, expected) in cases {
            let v = parse_input(&d, input, now(), tz).unwrap();
            assert_eq!(v.to_json(), serde_json::json!(expected), "{input}");
        }
        assert!(parse_input(&d, "yesterday", now(), tz).is_err());
        assert!(
            parse_input(&d, "2026-03-29 02:30", now(), tz)
                .unwrap_err()
                .contains("daylight")
        );
    }

    #[test]
    fn shown_in_incident_zone_and_utc() {
        let tz: Tz = "Europe/Amsterdam".parse().unwrap();
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 13, 5, 0).unwrap();
        assert_eq!(
            format_local_and_utc(t, tz),
            "2026-11-28 14:05 CET (13:05 UTC)"
        );
        let late = Utc.with_ymd_and_hms(2026, 11, 28, 23, 30, 0).unwrap();
        assert_eq!(
            format_local_and_utc(late, tz),
            "2026-11-29 00:30 CET (2026-11-28 23:30 UTC)"
        );
    }

    #[test]
    fn choices_by_value_or_label() {
        let options = vec![
            ChoiceOption {
                value: "eu".into(),
                label: "European Union".into(),
            },
            ChoiceOption {
                value: "us".into(),
                label: "United States".into(),
            },
        ];
        let d = def(FactType::Choice(options), true);
        let v = parse_input(&d, "european union, US", now(), chrono_tz::UTC).unwrap();
        assert_eq!(v, FactValue::Choices(vec!["eu".into(), "us".into()]));
        assert_eq!(
            v.display(Some(&d), chrono_tz::UTC),
            "European Union, United States"
        );
        assert!(
            parse_input(&d, "mars", now(), chrono_tz::UTC)
                .unwrap_err()
                .contains("eu, us")
        );
        let round = FactValue::from_json(&d, &v.to_json()).unwrap();
        assert_eq!(round, v);
    }

    #[test]
    fn typed_refusals() {
        let n = def(FactType::Number, false);
        assert!(parse_input(&n, "12k", now(), chrono_tz::UTC).is_err());
        assert_eq!(
            parse_input(&n, "1_200", now(), chrono_tz::UTC),
            Ok(FactValue::Number(1200.0))
        );
        let b = def(FactType::Bool, false);
        assert!(parse_input(&b, "maybe", now(), chrono_tz::UTC).is_err());
        assert!(FactValue::from_json(&b, &serde_json::json!("true")).is_err());
    }
}
