//! The rules a new entry must meet before it is written, shared by the
//! runner's dialogs and the command line: times that cannot be true are
//! refused, times that contradict the playbook are confirmed first, and a
//! submission dated before its draft existed needs a reason.
//!
//! Pure: everything, "now" included, is passed in.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::RunState;
use crate::clocks::format_duration;
use crate::playbook::value::format_local_and_utc;
use crate::playbook::{FactDef, FactValue};

/// How far ahead of this machine's clock a time may be (clock skew
/// between machines and people reading different watches).
pub const CLOCK_SKEW_MINUTES: i64 = 5;

/// How long after sending a submission may be recorded without saying why.
pub const BACKDATE_GRACE_MINUTES: i64 = 10;

/// Why an entry is not written as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Never written; the sentence says why and what to type instead.
    Refused(String),
    /// Written once the person confirms; the sentence says what.
    Confirm(String),
}

impl Refusal {
    pub fn sentence(&self) -> &str {
        match self {
            Self::Refused(s) | Self::Confirm(s) => s,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.sentence())
    }
}

/// A time later than now plus the allowed skew cannot have happened yet.
pub fn not_in_future(
    what: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<(), Refusal> {
    if at > now + Duration::minutes(CLOCK_SKEW_MINUTES) {
        return Err(Refusal::Refused(format!(
            "{what} {} is {} in the future; type the date too (e.g. yesterday's) or a time ago such as -3h",
            format_local_and_utc(at, tz),
            format_duration(at - now)
        )));
    }
    Ok(())
}

/// Checks a new value of `def`: a datetime in the future is refused; one
/// that contradicts the playbook's `not_before:`/`not_after:` needs
/// confirmation. With `confirmed`, returns the sentence to record beside
/// the value (what was confirmed), or `None` when nothing needed it.
pub fn fact_value(
    def: &FactDef,
    value: &FactValue,
    state: &RunState,
    now: DateTime<Utc>,
    tz: Tz,
    confirmed: bool,
) -> Result<Option<String>, Refusal> {
    let Some(at) = value.as_datetime() else {
        return Ok(None);
    };
    not_in_future(&format!("`{}`", def.id), at, now, tz)?;
    let mut contradictions = Vec::new();
    for other in &def.not_before {
        if let Some(then) = state.fact(other).and_then(FactValue::as_datetime)
            && at < then
        {
            contradictions.push(format!(
                "`{}` {} is earlier than `{other}` {}, which the playbook says it never precedes",
                def.id,
                format_local_and_utc(at, tz),
                format_local_and_utc(then, tz)
            ));
        }
    }
    for other in &def.not_after {
        if let Some(then) = state.fact(other).and_then(FactValue::as_datetime)
            && at > then
        {
            contradictions.push(format!(
                "`{}` {} is later than `{other}` {}, which the playbook says it never follows",
                def.id,
                format_local_and_utc(at, tz),
                format_local_and_utc(then, tz)
            ));
        }
    }
    if contradictions.is_empty() {
        return Ok(None);
    }
    let sentence = contradictions.join("; ");
    if confirmed {
        Ok(Some(sentence))
    } else {
        Err(Refusal::Confirm(sentence))
    }
}

/// Which field of a submission a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionField {
    SentAt,
    Backdate,
    Override,
}

/// What is known about a submission before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionTimes<'a> {
    pub sent_at: DateTime<Utc>,
    /// When the version sent was saved, if it is a drafted version.
    pub drafted_at: Option<DateTime<Utc>>,
    pub backdate_reason: &'a str,
    /// The version was never approved.
    pub unapproved: bool,
    pub override_reason: &'a str,
}

/// What the submission records once the rules are met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionReasons {
    pub backdated_reason: Option<String>,
    pub override_reason: Option<String>,
}

/// A submission's time and reasons: not in the future; late beyond the
/// grace, or before its draft existed, only with a reason; an unapproved
/// version only with an override reason. A reason typed is always kept.
pub fn submission(
    s: &SubmissionTimes<'_>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<SubmissionReasons, (SubmissionField, Refusal)> {
    if s.sent_at > now + Duration::minutes(CLOCK_SKEW_MINUTES) {
        return Err((
            SubmissionField::SentAt,
            Refusal::Refused("the time sent is in the future".into()),
        ));
    }
    let backdate_reason = s.backdate_reason.trim();
    if backdate_reason.is_empty() {
        if let Some(drafted) = s.drafted_at
            && s.sent_at < drafted
        {
            return Err((
                SubmissionField::Backdate,
                Refusal::Refused(format!(
                    "sent {} is before this version was drafted ({}): say why",
                    format_local_and_utc(s.sent_at, tz),
                    format_local_and_utc(drafted, tz)
                )),
            ));
        }
        if now - s.sent_at > Duration::minutes(BACKDATE_GRACE_MINUTES) {
            return Err((
                SubmissionField::Backdate,
                Refusal::Refused(format!(
                    "sent {} ago: say why it is recorded late",
                    format_duration(now - s.sent_at)
                )),
            ));
        }
    }
    let override_reason = s.override_reason.trim();
    if s.unapproved && override_reason.is_empty() {
        return Err((
            SubmissionField::Override,
            Refusal::Refused(
                "this version was not approved: give the reason to publish it anyway".into(),
            ),
        ));
    }
    Ok(SubmissionReasons {
        backdated_reason: (!backdate_reason.is_empty()).then(|| backdate_reason.to_string()),
        override_reason: (s.unapproved && !override_reason.is_empty())
            .then(|| override_reason.to_string()),
    })
}

/// The fields a correction may change, by kind of entry: who and what was
/// recorded, never when it was written. Facts are corrected by value
/// (`runsheet set --correct`).
pub fn correctable_fields(kind: crate::journal::Kind) -> &'static [&'static str] {
    use crate::journal::Kind;
    match kind {
        Kind::Approval => &["approver", "comment"],
        Kind::Submission => &["channel", "recipient", "reference", "url"],
        Kind::Decision => &["rationale", "decider"],
        Kind::RoleAssigned => &["person"],
        Kind::Note => &["text"],
        _ => &[],
    }
}

/// Checks a correction of an entry of `kind`: a reason, at least one field,
/// and only fields that kind may have corrected.
pub fn correction_fields(
    kind: crate::journal::Kind,
    fields: &[(String, String)],
    reason: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, Refusal> {
    let allowed = correctable_fields(kind);
    if allowed.is_empty() {
        return Err(Refusal::Refused(format!(
            "a {kind} entry has no fields to correct{}",
            if kind == crate::journal::Kind::FactSet {
                "; correct a fact's value with `runsheet set --correct`"
            } else {
                ""
            }
        )));
    }
    if reason.trim().is_empty() {
        return Err(Refusal::Refused(
            "--reason must say why the entry was wrong".into(),
        ));
    }
    if fields.is_empty() {
        return Err(Refusal::Refused(format!(
            "name at least one corrected field: {}",
            allowed.join(", ")
        )));
    }
    let mut out = serde_json::Map::new();
    for (key, value) in fields {
        if !allowed.contains(&key.as_str()) {
            return Err(Refusal::Refused(format!(
                "a {kind} entry's `{key}` cannot be corrected; its correctable fields are {}",
                allowed.join(", ")
            )));
        }
        out.insert(key.clone(), serde_json::Value::String(value.clone()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::FactType;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn def(id: &str, not_before: &[&str]) -> FactDef {
        FactDef {
            id: id.into(),
            prompt: id.into(),
            ty: FactType::DateTime,
            multiple: false,
            help: None,
            not_before: not_before.iter().map(|s| (*s).to_string()).collect(),
            not_after: Vec::new(),
        }
    }

    const NOW: &str = "2026-11-29T01:45:00Z";

    #[test]
    fn d8_a_fact_time_in_the_future_is_refused_with_a_sentence() {
        let state = RunState::default();
        let at = FactValue::DateTime(utc("2026-11-29T13:05:00Z"));
        let refusal = fact_value(&def("aware_at", &[]), &at, &state, utc(NOW), Tz::UTC, true)
            .expect_err("refused");
        assert!(matches!(refusal, Refusal::Refused(_)));
        assert!(refusal.sentence().contains("in the future"), "{refusal}");
        let skew = FactValue::DateTime(utc(NOW) + Duration::minutes(CLOCK_SKEW_MINUTES));
        assert_eq!(
            fact_value(
                &def("aware_at", &[]),
                &skew,
                &state,
                utc(NOW),
                Tz::UTC,
                false
            ),
            Ok(None),
            "within the skew"
        );
    }

    #[test]
    fn d8_a_time_before_a_fact_it_never_precedes_asks_and_records_the_confirmation() {
        let mut state = RunState::default();
        let aware = utc("2026-11-28T23:45:00Z");
        state
            .facts
            .entry("aware_at".into())
            .or_default()
            .history
            .push(crate::run::FactRecord {
                at: crate::run::Stamp {
                    seq: 1,
                    ts: utc(NOW),
                    actor: "Dana".into(),
                    scenario_ms: None,
                },
                step: None,
                source: crate::run::FactSource::Set,
                value: serde_json::Value::String(aware.to_rfc3339()),
                occurred_at: None,
                typed: Some(FactValue::DateTime(aware)),
                correction: None,
            });
        let breach = def("breach_aware_at", &["aware_at"]);
        let early = FactValue::DateTime(utc("2026-11-28T22:49:00Z"));
        let asked =
            fact_value(&breach, &early, &state, utc(NOW), Tz::UTC, false).expect_err("asks first");
        assert!(matches!(asked, Refusal::Confirm(_)), "{asked:?}");
        assert!(
            asked.sentence().contains("earlier than `aware_at`"),
            "{asked}"
        );
        let recorded =
            fact_value(&breach, &early, &state, utc(NOW), Tz::UTC, true).expect("confirmed");
        assert_eq!(recorded.as_deref(), Some(asked.sentence()));
        let later = FactValue::DateTime(utc("2026-11-29T00:10:00Z"));
        assert_eq!(
            fact_value(&breach, &later, &state, utc(NOW), Tz::UTC, false),
            Ok(None)
        );
    }

    fn times(sent: &str, drafted: Option<&str>, reason: &'static str) -> SubmissionTimes<'static> {
        SubmissionTimes {
            sent_at: utc(sent),
            drafted_at: drafted.map(utc),
            backdate_reason: reason,
            unapproved: false,
            override_reason: "",
        }
    }

    #[test]
    fn d17_sent_before_its_draft_existed_needs_a_reason() {
        let s = times("2026-11-29T01:41:00Z", Some("2026-11-29T01:44:00Z"), "");
        let (field, refusal) = submission(&s, utc(NOW), Tz::UTC).expect_err("needs a reason");
        assert_eq!(field, SubmissionField::Backdate);
        assert!(
            refusal
                .sentence()
                .contains("before this version was drafted")
        );
        let s = times(
            "2026-11-29T01:41:00Z",
            Some("2026-11-29T01:44:00Z"),
            "sent by phone first",
        );
        assert_eq!(
            submission(&s, utc(NOW), Tz::UTC).map(|r| r.backdated_reason),
            Ok(Some("sent by phone first".into()))
        );
    }

    #[test]
    fn m6_a_backdating_reason_typed_at_any_offset_is_kept() {
        let s = times("2026-11-29T01:40:00Z", None, " recorded after the call ");
        assert_eq!(
            submission(&s, utc(NOW), Tz::UTC).map(|r| r.backdated_reason),
            Ok(Some("recorded after the call".into()))
        );
        let late = times("2026-11-29T01:00:00Z", None, "");
        assert_eq!(
            submission(&late, utc(NOW), Tz::UTC).map_err(|e| e.0),
            Err(SubmissionField::Backdate)
        );
        let future = times("2026-11-29T02:00:00Z", None, "x");
        assert_eq!(
            submission(&future, utc(NOW), Tz::UTC).map_err(|e| e.0),
            Err(SubmissionField::SentAt)
        );
    }

    #[test]
    fn correction_fields_are_checked_per_kind() {
        use crate::journal::Kind;
        let fields = vec![("approver".to_string(), "Dana Reyes".to_string())];
        let ok =
            correction_fields(Kind::Approval, &fields, "typed the wrong name").expect("allowed");
        assert_eq!(ok["approver"], "Dana Reyes");
        assert!(correction_fields(Kind::Submission, &fields, "x").is_err());
        assert!(correction_fields(Kind::Approval, &fields, " ").is_err());
        assert!(correction_fields(Kind::Approval, &[], "x").is_err());
        let fact = correction_fields(Kind::FactSet, &fields, "x").expect_err("facts by value");
        assert!(fact.sentence().contains("set --correct"));
    }
}
