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
///
/// An order between two facts binds both ways: it is checked whether the
/// new value is the fact that names the other (`def`'s own lists) or the
/// fact named by another (`facts` naming `def` in theirs).
pub fn fact_value(
    facts: &[FactDef],
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
    let contradictions = order_contradictions(facts, def, at, state, tz);
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

/// Every order of the playbook that `def` = `at` would break, as
/// sentences; each pair of facts is named once.
fn order_contradictions(
    facts: &[FactDef],
    def: &FactDef,
    at: DateTime<Utc>,
    state: &RunState,
    tz: Tz,
) -> Vec<String> {
    let recorded = |id: &str| state.fact(id).and_then(FactValue::as_datetime);
    let shown = |t: DateTime<Utc>| format_local_and_utc(t, tz);
    let mut contradictions = Vec::new();
    let mut named = Vec::new();
    // `def` never precedes `other`, or never follows it.
    for (others, before) in [(&def.not_before, true), (&def.not_after, false)] {
        for other in others {
            let Some(then) = recorded(other) else {
                continue;
            };
            if (before && at < then) || (!before && at > then) {
                let (relation, rule) = if before {
                    ("earlier", "precedes")
                } else {
                    ("later", "follows")
                };
                contradictions.push(format!(
                    "`{}` {} is {relation} than `{other}` {}, which the playbook says it never {rule}",
                    def.id,
                    shown(at),
                    shown(then)
                ));
                named.push(other.as_str());
            }
        }
    }
    // Another fact that never precedes `def`, or never follows it.
    for other in facts.iter().filter(|f| f.id != def.id) {
        if named.contains(&other.id.as_str()) {
            continue;
        }
        let Some(then) = recorded(&other.id) else {
            continue;
        };
        let never_precedes = other.not_before.contains(&def.id) && then < at;
        let never_follows = other.not_after.contains(&def.id) && then > at;
        if never_precedes || never_follows {
            let (relation, rule) = if never_precedes {
                ("later", "precedes")
            } else {
                ("earlier", "follows")
            };
            contradictions.push(format!(
                "`{}` {} is {relation} than `{}` {}, which the playbook says never {rule} `{}`",
                def.id,
                shown(at),
                other.id,
                shown(then),
                def.id
            ));
        }
    }
    contradictions
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
        let refusal = fact_value(
            &[],
            &def("aware_at", &[]),
            &at,
            &state,
            utc(NOW),
            Tz::UTC,
            true,
        )
        .expect_err("refused");
        assert!(matches!(refusal, Refusal::Refused(_)));
        assert!(refusal.sentence().contains("in the future"), "{refusal}");
        let skew = FactValue::DateTime(utc(NOW) + Duration::minutes(CLOCK_SKEW_MINUTES));
        assert_eq!(
            fact_value(
                &[],
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

    /// A state where `fact` was set to `at`.
    fn with_time(mut state: RunState, fact: &str, at: DateTime<Utc>) -> RunState {
        state
            .facts
            .entry(fact.into())
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
                value: serde_json::Value::String(at.to_rfc3339()),
                occurred_at: None,
                typed: Some(FactValue::DateTime(at)),
                correction: None,
            });
        state
    }

    #[test]
    fn d8_a_time_before_a_fact_it_never_precedes_asks_and_records_the_confirmation() {
        let state = with_time(RunState::default(), "aware_at", utc("2026-11-28T23:45:00Z"));
        let breach = def("breach_aware_at", &["aware_at"]);
        let facts = [def("aware_at", &[]), breach.clone()];
        let early = FactValue::DateTime(utc("2026-11-28T22:49:00Z"));
        let asked = fact_value(&facts, &breach, &early, &state, utc(NOW), Tz::UTC, false)
            .expect_err("asks first");
        assert!(matches!(asked, Refusal::Confirm(_)), "{asked:?}");
        assert!(
            asked.sentence().contains("earlier than `aware_at`"),
            "{asked}"
        );
        let recorded = fact_value(&facts, &breach, &early, &state, utc(NOW), Tz::UTC, true)
            .expect("confirmed");
        assert_eq!(recorded.as_deref(), Some(asked.sentence()));
        let later = FactValue::DateTime(utc("2026-11-29T00:10:00Z"));
        assert_eq!(
            fact_value(&facts, &breach, &later, &state, utc(NOW), Tz::UTC, false),
            Ok(None)
        );
    }

    /// Defect NOT-BEFORE-CHECKED-ONE-WAY: `breach_aware_at` has
    /// `not_before: [aware_at]`; setting `breach_aware_at` too early asked
    /// first, but moving `aware_at` after the recorded `breach_aware_at`
    /// was saved without a word. The order binds both facts.
    #[test]
    fn not_before_checked_one_way() {
        let breach_at = utc("2026-11-28T23:00:00Z");
        let state = with_time(RunState::default(), "breach_aware_at", breach_at);
        let aware = def("aware_at", &[]);
        let facts = [aware.clone(), def("breach_aware_at", &["aware_at"])];
        let too_late = FactValue::DateTime(utc("2026-11-29T00:00:00Z"));
        let asked = fact_value(&facts, &aware, &too_late, &state, utc(NOW), Tz::UTC, false)
            .expect_err("asks first");
        assert_eq!(
            asked,
            Refusal::Confirm(
                "`aware_at` 2026-11-29 00:00 UTC is later than `breach_aware_at` 2026-11-28 23:00 UTC, \
                 which the playbook says never precedes `aware_at`"
                    .into()
            )
        );
        let earlier = FactValue::DateTime(utc("2026-11-28T22:00:00Z"));
        assert_eq!(
            fact_value(&facts, &aware, &earlier, &state, utc(NOW), Tz::UTC, false),
            Ok(None)
        );
        // `not_after:` the same way: `contained_at` never follows
        // `reported_at`, so a `reported_at` before it asks first.
        let reported = def("reported_at", &[]);
        let mut contained = def("contained_at", &[]);
        contained.not_after = vec!["reported_at".into()];
        let facts = [reported.clone(), contained];
        let state = with_time(RunState::default(), "contained_at", breach_at);
        let early = FactValue::DateTime(utc("2026-11-28T22:30:00Z"));
        let asked = fact_value(&facts, &reported, &early, &state, utc(NOW), Tz::UTC, false)
            .expect_err("asks first");
        assert_eq!(
            asked.sentence(),
            "`reported_at` 2026-11-28 22:30 UTC is earlier than `contained_at` 2026-11-28 23:00 UTC, \
             which the playbook says never follows `reported_at`"
        );
    }

    /// A pair named from both sides is one contradiction, not two.
    #[test]
    fn an_order_named_by_both_facts_is_said_once() {
        let state = with_time(RunState::default(), "aware_at", utc("2026-11-28T23:45:00Z"));
        let mut breach = def("breach_aware_at", &["aware_at"]);
        let mut aware = def("aware_at", &[]);
        aware.not_after = vec!["breach_aware_at".into()];
        breach.not_before = vec!["aware_at".into()];
        let facts = [aware, breach.clone()];
        let early = FactValue::DateTime(utc("2026-11-28T22:49:00Z"));
        let asked = fact_value(&facts, &breach, &early, &state, utc(NOW), Tz::UTC, false)
            .expect_err("asks first");
        assert_eq!(
            asked.sentence(),
            "`breach_aware_at` 2026-11-28 22:49 UTC is earlier than `aware_at` 2026-11-28 23:45 UTC, \
             which the playbook says it never precedes"
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
