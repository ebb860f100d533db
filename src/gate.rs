//! What makes a record defensible: "not asked" marks with their reasons, acknowledgements of
//! emergency and urgent referrals, a documented override of the recommendation, the completion
//! gate built on them, and the checks that a stored result still matches its answers. Pure: the
//! time is passed in, nothing here reads a file, the terminal or the clock.

use crate::assessment::Assessment;
use crate::content::Content;
use crate::domain::{Answers, ItemId};
use crate::known;
use crate::report::{FlagReport, Report};
use crate::rules::{Referral, Tier};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The sections whose every shown item must be answered, or marked not asked with a reason,
/// before a record is completed.
pub const SCREENING_SECTIONS: [&str; 2] = known::section::SCREENING;

/// The item holding the clinician's decision, and the one naming the clinician.
pub const DECISION_ITEM: &str = known::item::DECISION_OUTCOME;
pub const CLINICIAN_ITEM: &str = known::item::VISIT_CLINICIAN;

/// Why a question was not asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotAskedReason {
    PatientDeclined,
    NotApplicable,
    Interrupted,
    /// Needs the clinician's own words in [`NotAsked::text`].
    Other,
}

impl NotAskedReason {
    pub const ALL: [NotAskedReason; 4] = [
        NotAskedReason::PatientDeclined,
        NotAskedReason::NotApplicable,
        NotAskedReason::Interrupted,
        NotAskedReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NotAskedReason::PatientDeclined => "patient_declined",
            NotAskedReason::NotApplicable => "not_applicable",
            NotAskedReason::Interrupted => "interrupted",
            NotAskedReason::Other => "other",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            NotAskedReason::PatientDeclined => "patient declined",
            NotAskedReason::NotApplicable => "not applicable",
            NotAskedReason::Interrupted => "interrupted",
            NotAskedReason::Other => "other",
        }
    }
}

/// An item deliberately left unanswered, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotAsked {
    pub reason: NotAskedReason,
    /// The clinician's words (required for `other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl NotAsked {
    /// A reason a reader can rely on: `other` says what.
    pub fn is_complete(&self) -> bool {
        self.reason != NotAskedReason::Other || self.text.as_deref().is_some_and(|t| !t.trim().is_empty())
    }

    /// "not asked (patient declined)", "not asked (other: ...)".
    pub fn words(&self) -> String {
        format!("{} ({})", crate::words::NOT_ASKED, self.reason_words())
    }

    /// The reason alone: "patient declined", "other: ran out of time".
    pub fn reason_words(&self) -> String {
        match (&self.reason, self.text.as_deref().map(str::trim).filter(|t| !t.is_empty())) {
            (reason, Some(text)) => format!("{}: {text}", reason.words()),
            (reason, None) => reason.words().to_owned(),
        }
    }
}

/// A clinician saw an emergency or urgent referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgement {
    /// The flag's rule id.
    pub flag: String,
    pub by: String,
    pub at: DateTime<Utc>,
    pub rulebook_version: String,
}

impl Acknowledgement {
    pub fn words(&self) -> String {
        format!("acknowledged by {} at {}", self.by, self.at.format("%Y-%m-%d %H:%M UTC"))
    }
}

/// A decision that goes against the tool's verdict, documented: who, why, when, and what it
/// departs from (so a later change of decision or verdict needs a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub by: String,
    pub why: String,
    pub at: DateTime<Utc>,
    /// The decision code (`proceed`, ...).
    pub decision: String,
    /// The verdict it departs from: massage (`stop`, ...) and referral (`emergency`, ...).
    pub verdict_massage: String,
    pub verdict_referral: String,
}

impl Override {
    /// The override in words, the decision as the form labels it ("Proceed with changes").
    pub fn words_in(&self, content: &Content) -> String {
        self.words_with(&crate::words::decision_label(content, &self.decision))
    }

    /// The same without the content at hand: the decision code loses its underscores. Prefer
    /// [`Override::words_in`].
    pub fn words(&self) -> String {
        self.words_with(&self.decision.replace('_', " "))
    }

    fn words_with(&self, decision: &str) -> String {
        format!(
            "OVERRIDE by {} at {}: decision \"{decision}\" against verdict {} — why: {}",
            self.by,
            self.at.format("%Y-%m-%d %H:%M UTC"),
            crate::words::against_verdict(&self.verdict_massage, &self.verdict_referral),
            self.why
        )
    }
}

/// What a record documents beside its answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attestations {
    /// By item id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_asked: BTreeMap<String, NotAsked>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acknowledgements: Vec<Acknowledgement>,
    #[serde(default, rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
}

impl Attestations {
    pub fn is_empty(&self) -> bool {
        self.not_asked.is_empty() && self.acknowledgements.is_empty() && self.override_.is_none()
    }

    pub fn acknowledgement(&self, flag: &str) -> Option<&Acknowledgement> {
        self.acknowledgements.iter().find(|a| a.flag == flag)
    }

    /// Keep only what still applies to these answers: a not-asked mark on an item that now has
    /// an answer is dropped (the answer wins), and so is an override of a decision or verdict
    /// that has changed since (a record never shows an override of something it does not say).
    pub fn prune(&mut self, content: &Content, answers: &Answers) {
        self.not_asked.retain(|item, _| content.questionnaire.id(item).is_some_and(|id| answers.get(id).is_none()));
        if let Some(o) = &self.override_ {
            let verdict = content.evaluate(answers).verdict;
            let current = decision_code(content, answers).is_some_and(|d| {
                d == o.decision
                    && departs_from_verdict(d, verdict.massage, verdict.referral)
                    && verdict.massage_code() == o.verdict_massage
                    && verdict.referral_code() == o.verdict_referral
            });
            if !current {
                self.override_ = None;
            }
        }
    }
}

/// One thing that stands between a record and "completed".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// A required item (name; consent must be yes).
    Required { item: String, label: String, must_be_yes: bool },
    /// A shown screening item with no answer and no not-asked mark.
    Unanswered { item: String, label: String },
    /// Marked not asked as "other" without saying what.
    ReasonNeeded { item: String, label: String },
    /// An emergency or urgent flag nobody acknowledged.
    Unacknowledged { flag: String, title: String, referral: Referral },
    /// No decision recorded while an emergency or urgent referral stands.
    DecisionNeeded { label: String },
    /// The decision goes against the verdict and no (current) override says who and why. The
    /// decision as its code and as the form labels it.
    OverrideNeeded { decision: String, decision_label: String, massage: String, referral: String },
}

impl Missing {
    /// The item to jump to, if the problem sits on one.
    pub fn item(&self) -> Option<&str> {
        match self {
            Missing::Required { item, .. } | Missing::Unanswered { item, .. } | Missing::ReasonNeeded { item, .. } => {
                Some(item)
            }
            Missing::DecisionNeeded { .. } | Missing::OverrideNeeded { .. } => Some(DECISION_ITEM),
            Missing::Unacknowledged { .. } => None,
        }
    }

    /// The same in a few words, for one line of the app's gate dialog.
    pub fn short_words(&self) -> String {
        match self {
            Missing::Required { label, must_be_yes: true, .. } => format!("Must be yes: {label}"),
            Missing::Required { label, .. } => format!("Needed: {label}"),
            Missing::Unanswered { label, .. } => format!("Not answered: {label}"),
            Missing::ReasonNeeded { label, .. } => format!("Reason \"other\" needs words: {label}"),
            Missing::Unacknowledged { title, referral, .. } => {
                format!("Not acknowledged: REFER {} · {title}", referral.code().to_uppercase())
            }
            Missing::DecisionNeeded { label } => format!("Not recorded: {label} (a referral stands)"),
            Missing::OverrideNeeded { decision_label, massage, referral, .. } => {
                format!(
                    "Override needed: \"{decision_label}\" against {}",
                    crate::words::against_verdict(massage, referral)
                )
            }
        }
    }

    /// One line naming the item or flag by its label, never an answer.
    pub fn words(&self) -> String {
        match self {
            Missing::Required { item, label, must_be_yes: true } => {
                format!("{label} must be yes to complete the record (item {item})")
            }
            Missing::Required { item, label, must_be_yes: false } => {
                format!("{label} is needed to complete the record (item {item})")
            }
            Missing::Unanswered { item, label } => {
                format!("not answered: {label} (item {item}): answer it or mark it not asked with a reason")
            }
            Missing::ReasonNeeded { item, label } => {
                format!("not asked, reason \"other\" without words: {label} (item {item})")
            }
            Missing::Unacknowledged { flag, title, referral } => {
                format!("{} referral not acknowledged: {title} (flag {flag})", referral.code().to_uppercase())
            }
            Missing::DecisionNeeded { label } => {
                format!("{label} not recorded while an emergency or urgent referral stands (item {DECISION_ITEM})")
            }
            Missing::OverrideNeeded { decision_label, massage, referral, .. } => format!(
                "decision \"{decision_label}\" goes against the verdict ({}): an override needs who and why",
                crate::words::against_verdict(massage, referral)
            ),
        }
    }
}

/// Whether a decision departs from the verdict (ISSUE: `proceed`/`proceed_modified` with a
/// STOP; anything but `refer` with an emergency or urgent referral).
pub fn departs_from_verdict(decision: &str, massage: Option<Tier>, referral: Option<Referral>) -> bool {
    let proceeds = matches!(decision, known::option::PROCEED | known::option::PROCEED_MODIFIED);
    (proceeds && massage == Some(Tier::Stop))
        || (matches!(referral, Some(Referral::Emergency | Referral::Urgent)) && decision != known::option::REFER)
}

/// The clinician's decision code, if recorded.
pub fn decision_code<'a>(content: &'a Content, answers: &Answers) -> Option<&'a str> {
    let id = content.questionnaire.id(DECISION_ITEM)?;
    let option = answers.choice(id)?;
    Some(content.questionnaire.item(id).option_code(option))
}

/// Everything missing before these answers can be completed as a record, the most serious
/// first: unacknowledged referrals, the decision, required items, then the screening questions
/// in form order. Empty means go.
pub fn completion_gate(
    content: &Content,
    answers: &Answers,
    assessment: &Assessment,
    attestations: &Attestations,
) -> Vec<Missing> {
    let questionnaire = &content.questionnaire;
    let mut missing = Vec::new();
    let mut serious = Vec::new();
    for (id, item) in questionnaire.items().filter(|(_, item)| item.required) {
        let absent = match item.kind {
            crate::domain::ItemType::Bool => answers.bool(id) != Some(true),
            _ => answers.get(id).is_none(),
        };
        if absent {
            missing.push(Missing::Required {
                item: item.id.clone(),
                label: item.label.clone(),
                must_be_yes: item.kind == crate::domain::ItemType::Bool,
            });
        }
    }
    for id in screening_items(content, answers) {
        let item = questionnaire.item(id);
        if answers.get(id).is_some() || !can_be_answered_negatively(item) {
            continue;
        }
        match attestations.not_asked.get(&item.id) {
            Some(mark) if mark.is_complete() => {}
            Some(_) => missing.push(Missing::ReasonNeeded { item: item.id.clone(), label: item.label.clone() }),
            None => missing.push(Missing::Unanswered { item: item.id.clone(), label: item.label.clone() }),
        }
    }
    let rules = &content.rulebook;
    for flag in &assessment.flags {
        let rule = rules.rule(flag.rule);
        if let Some(referral @ (Referral::Emergency | Referral::Urgent)) = rule.referral
            && attestations.acknowledgement(&rule.id).is_none()
        {
            serious.push(Missing::Unacknowledged { flag: rule.id.clone(), title: rule.title.clone(), referral });
        }
    }
    let verdict = assessment.verdict;
    match decision_code(content, answers) {
        None if matches!(verdict.referral, Some(Referral::Emergency | Referral::Urgent)) => {
            let label = questionnaire.id(DECISION_ITEM).map_or("Decision", |id| questionnaire.item(id).label.as_str());
            serious.push(Missing::DecisionNeeded { label: label.to_owned() });
        }
        None => {}
        Some(decision) if departs_from_verdict(decision, verdict.massage, verdict.referral) => {
            let (massage, referral) = (verdict.massage_code(), verdict.referral_code());
            let current = attestations.override_.as_ref().is_some_and(|o| {
                o.decision == decision
                    && o.verdict_massage == massage
                    && o.verdict_referral == referral
                    && !o.by.trim().is_empty()
                    && !o.why.trim().is_empty()
            });
            if !current {
                serious.push(Missing::OverrideNeeded {
                    decision: decision.to_owned(),
                    decision_label: crate::words::decision_label(content, decision),
                    massage: massage.to_owned(),
                    referral: referral.to_owned(),
                });
            }
        }
        Some(_) => {}
    }
    serious.extend(missing);
    serious
}

/// A tick-list records a negative screen only through its `none` option (INTAKE.md); one
/// without it cannot be answered "none of these", so the gate does not ask for it (it is still
/// shown as not asked when empty).
fn can_be_answered_negatively(item: &crate::domain::Item) -> bool {
    item.kind != crate::domain::ItemType::Multi || item.option_index(known::option::NONE).is_some()
}

/// The items of the screening sections that the form shows for these answers, in form order.
pub fn screening_items(content: &Content, answers: &Answers) -> Vec<ItemId> {
    SCREENING_SECTIONS
        .iter()
        .filter_map(|section| content.questionnaire.section(section))
        .flat_map(|section| section.items.iter().copied())
        .filter(|id| content.is_shown(*id, answers))
        .collect()
}

/// The shown screening items with no answer: each with its not-asked mark, if it has one.
pub fn not_asked_items<'a>(
    content: &'a Content,
    answers: &Answers,
    attestations: &'a Attestations,
) -> Vec<(&'a str, Option<&'a NotAsked>)> {
    screening_items(content, answers)
        .into_iter()
        .filter(|id| answers.get(*id).is_none())
        .map(|id| {
            let item = content.questionnaire.item(id);
            (item.label.as_str(), attestations.not_asked.get(&item.id))
        })
        .collect()
}

/// "not asked (reason)" or plain "not asked" for an item with no mark.
pub fn not_asked_words(mark: Option<&NotAsked>) -> String {
    mark.map_or_else(|| crate::words::NOT_ASKED.to_owned(), NotAsked::words)
}

/// How a stored result compares with what its answers give today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recheck {
    /// Same verdict and flags.
    Matches,
    /// Evaluated with today's rulebook, but the stored verdict or flags differ from what the
    /// answers give: the file was changed outside the program (integrity problem).
    Tampered(Difference),
    /// Evaluated with another rulebook version: what today's rulebook says instead.
    OtherRulebook { stored_version: String, difference: Difference },
}

/// The difference between a stored result and a fresh one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Difference {
    /// (stored, today) verdict codes, when they differ: "stop+emergency".
    pub verdict: Option<(String, String)>,
    /// Flags today's evaluation raises that the stored result lacks (titles).
    pub adds: Vec<String>,
    /// Flags the stored result has that today's evaluation does not raise (titles).
    pub drops: Vec<String>,
}

impl Difference {
    pub fn is_empty(&self) -> bool {
        self.verdict.is_none() && self.adds.is_empty() && self.drops.is_empty()
    }

    /// "today's rulebook adds: …; … no longer raises: …" style, with the subject given.
    pub fn words(&self, subject: &str) -> String {
        let mut parts = Vec::new();
        if let Some((stored, today)) = &self.verdict {
            parts.push(format!("verdict {stored} stored, {subject} gives {today}"));
        }
        if !self.adds.is_empty() {
            parts.push(format!("{subject} adds: {}", self.adds.join(", ")));
        }
        if !self.drops.is_empty() {
            parts.push(format!("{subject} no longer raises: {}", self.drops.join(", ")));
        }
        parts.join("; ")
    }
}

fn verdict_code(report: &Report) -> String {
    crate::words::verdict_code(&report.verdict)
}

fn flag_ids(flags: &[FlagReport]) -> Vec<(&str, &str)> {
    let mut ids: Vec<(&str, &str)> = flags.iter().map(|f| (f.id.as_str(), f.title.as_str())).collect();
    ids.sort_unstable();
    ids
}

/// Compare a stored result with a fresh evaluation of the same answers.
pub fn difference(stored: &Report, fresh: &Report) -> Difference {
    let (stored_flags, fresh_flags) = (flag_ids(&stored.flags), flag_ids(&fresh.flags));
    let (stored_verdict, fresh_verdict) = (verdict_code(stored), verdict_code(fresh));
    Difference {
        verdict: (stored_verdict != fresh_verdict).then_some((stored_verdict, fresh_verdict)),
        adds: fresh_flags
            .iter()
            .filter(|(id, _)| !stored_flags.iter().any(|(s, _)| s == id))
            .map(|(_, title)| (*title).to_owned())
            .collect(),
        drops: stored_flags
            .iter()
            .filter(|(id, _)| !fresh_flags.iter().any(|(f, _)| f == id))
            .map(|(_, title)| (*title).to_owned())
            .collect(),
    }
}

/// Evaluate the answers again and compare with what is stored (issue 10 item 7 and issue 9 item
/// 3). Answers that no longer parse were refused on load, so this sees only valid ones.
pub fn recheck(content: &Content, stored: &Report, answers: &Answers) -> Recheck {
    let fresh = Report::new(content, &content.evaluate(answers));
    let difference = difference(stored, &fresh);
    if stored.rulebook_version != content.rulebook.version {
        return Recheck::OtherRulebook { stored_version: stored.rulebook_version.clone(), difference };
    }
    if difference.is_empty() { Recheck::Matches } else { Recheck::Tampered(difference) }
}

impl Recheck {
    /// A line for a banner, `show` or a note; none when all is well.
    pub fn words(&self) -> Option<String> {
        match self {
            Recheck::Matches => None,
            Recheck::Tampered(difference) => Some(format!(
                "INTEGRITY PROBLEM: the stored result does not match this record's own answers ({}); the file was changed outside physio-intake",
                difference.words("the answers")
            )),
            Recheck::OtherRulebook { stored_version, difference } if difference.is_empty() => {
                Some(format!("made with rulebook {stored_version}; today's rulebook gives the same result"))
            }
            Recheck::OtherRulebook { stored_version, difference } => Some(format!(
                "made with rulebook {stored_version}, result as stored; {}",
                difference.words("today's rulebook")
            )),
        }
    }

    pub fn is_integrity_problem(&self) -> bool {
        matches!(self, Recheck::Tampered(_))
    }
}

/// The lines that open every view of a record: the verdict, each emergency or urgent referral
/// with its acknowledgement, any override with who and why (its decision as the form labels it).
pub fn headline_in(content: &Content, report: &Report, attestations: &Attestations) -> Vec<String> {
    let mut lines = headline_without_override(report, attestations);
    if let Some(override_) = &attestations.override_ {
        lines.push(override_.words_in(content));
    }
    lines
}

/// The same without the content at hand (the override's decision as its code without
/// underscores). Prefer [`headline_in`].
pub fn headline(report: &Report, attestations: &Attestations) -> Vec<String> {
    let mut lines = headline_without_override(report, attestations);
    if let Some(override_) = &attestations.override_ {
        lines.push(override_.words());
    }
    lines
}

fn headline_without_override(report: &Report, attestations: &Attestations) -> Vec<String> {
    let mut lines = vec![crate::words::verdict_headline(&report.verdict)];
    for flag in &report.flags {
        if let Some(referral @ (Referral::Emergency | Referral::Urgent)) = flag.referral {
            let ack = attestations
                .acknowledgement(&flag.id)
                .map_or_else(|| "NOT acknowledged".to_owned(), Acknowledgement::words);
            lines.push(format!("REFER {}: {} — {ack}", referral.code().to_uppercase(), flag.title));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn content() -> &'static Content {
        Content::embedded().unwrap_or_else(|e| panic!("content: {e}"))
    }

    fn answers(json: serde_json::Value) -> Answers {
        let visit = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or(NaiveDate::MIN);
        let Some(map) = json.as_object() else { panic!("not an object") };
        content().parse_answers(map, visit).unwrap_or_else(|e| {
            panic!("answers do not parse: {}", e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
        })
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    /// Every shown screening item answered "no" (bools), "none" where offered, first option else.
    fn negative_screen(mut base: serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
        let content = content();
        for _ in 0..3 {
            let parsed = answers(serde_json::Value::Object(base.clone()));
            for id in screening_items(content, &parsed) {
                let item = content.questionnaire.item(id);
                if base.contains_key(&item.id) {
                    continue;
                }
                let value = match item.kind {
                    crate::domain::ItemType::Bool => serde_json::json!(false),
                    crate::domain::ItemType::Choice => {
                        let code =
                            item.option_index("none").map_or_else(|| item.option_code(0), |i| item.option_code(i));
                        serde_json::json!(code)
                    }
                    crate::domain::ItemType::Multi if item.option_index("none").is_some() => {
                        serde_json::json!(["none"])
                    }
                    crate::domain::ItemType::Int => serde_json::json!(item.min.unwrap_or(0).max(120)),
                    _ => continue,
                };
                base.insert(item.id.clone(), value);
            }
        }
        serde_json::Value::Object(base)
    }

    fn clean() -> serde_json::Map<String, serde_json::Value> {
        let serde_json::Value::Object(map) = serde_json::json!({
            "patient.name": "Test Patient", "visit.consent": true, "visit.clinician": "A. Clinician",
            "visit.date": "2026-11-20", "vitals.bp_systolic": 120, "vitals.bp_diastolic": 80
        }) else {
            unreachable!()
        };
        map
    }

    fn gate(json: serde_json::Value, attestations: &Attestations) -> Vec<Missing> {
        let answers = answers(json);
        completion_gate(content(), &answers, &content().evaluate(&answers), attestations)
    }

    #[test]
    fn a_clean_complete_intake_meets_no_gate() {
        let missing = gate(negative_screen(clean()), &Attestations::default());
        assert_eq!(missing, Vec::new());
    }

    #[test]
    fn every_unanswered_shown_screening_item_is_listed_by_id_and_label() {
        let missing = gate(serde_json::Value::Object(clean()), &Attestations::default());
        let unanswered: Vec<&str> = missing
            .iter()
            .filter_map(|m| match m {
                Missing::Unanswered { item, .. } => Some(item.as_str()),
                _ => None,
            })
            .collect();
        let expected: Vec<String> = screening_items(content(), &answers(serde_json::Value::Object(clean())))
            .into_iter()
            .map(|id| content().questionnaire.item(id).id.clone())
            .filter(|id| !clean().contains_key(id))
            .filter(|id| {
                content()
                    .questionnaire
                    .id(id)
                    .is_some_and(|i| can_be_answered_negatively(content().questionnaire.item(i)))
            })
            .collect();
        assert_eq!(unanswered, expected);
        assert!(unanswered.contains(&"screen.fever") && unanswered.contains(&"redflag.bladder_bowel"));
        // Hidden follow-on items (regions of an unanswered question) are not asked for.
        assert!(!unanswered.contains(&"screen.open_wound.regions"));
    }

    #[test]
    fn a_not_asked_mark_with_a_reason_satisfies_the_gate_and_other_needs_words() {
        let mut json = negative_screen(clean());
        json.as_object_mut().map(|m| m.remove("screen.fever"));
        let mut attestations = Attestations::default();
        attestations.not_asked.insert("screen.fever".into(), NotAsked { reason: NotAskedReason::Other, text: None });
        let missing = gate(json.clone(), &attestations);
        assert!(matches!(missing.as_slice(), [Missing::ReasonNeeded { item, .. }] if item == "screen.fever"));
        attestations.not_asked.insert(
            "screen.fever".into(),
            NotAsked { reason: NotAskedReason::Other, text: Some("patient left early".into()) },
        );
        assert_eq!(gate(json.clone(), &attestations), Vec::new());
        attestations
            .not_asked
            .insert("screen.fever".into(), NotAsked { reason: NotAskedReason::PatientDeclined, text: None });
        assert_eq!(gate(json, &attestations), Vec::new());
    }

    fn emergency() -> serde_json::Value {
        let mut json = negative_screen(clean());
        if let Some(map) = json.as_object_mut() {
            map.insert("redflag.bladder_bowel".into(), serde_json::json!(true));
            map.insert("redflag.saddle_anaesthesia".into(), serde_json::json!(true));
            map.insert("complaint.condition".into(), serde_json::json!("low_back_pain"));
        }
        json
    }

    #[test]
    fn an_emergency_needs_its_acknowledgement_a_decision_and_refer_or_an_override() {
        let json = emergency();
        let parsed = answers(json.clone());
        let assessment = content().evaluate(&parsed);
        assert_eq!(assessment.verdict.referral, Some(Referral::Emergency), "fixture must raise an emergency");
        let missing = gate(json.clone(), &Attestations::default());
        assert!(missing.iter().any(|m| matches!(m, Missing::Unacknowledged { referral: Referral::Emergency, .. })));
        assert!(missing.iter().any(|m| matches!(m, Missing::DecisionNeeded { .. })));
        let mut attestations = Attestations::default();
        for flag in &assessment.flags {
            let rule = content().rulebook.rule(flag.rule);
            attestations.acknowledgements.push(Acknowledgement {
                flag: rule.id.clone(),
                by: "A. Clinician".into(),
                at: now(),
                rulebook_version: content().rulebook.version.clone(),
            });
        }
        let mut refer = json.clone();
        refer.as_object_mut().map(|m| m.insert(DECISION_ITEM.into(), serde_json::json!("refer")));
        assert_eq!(gate(refer, &attestations), Vec::new());
        let mut proceed = json.clone();
        proceed.as_object_mut().map(|m| m.insert(DECISION_ITEM.into(), serde_json::json!("proceed")));
        let missing = gate(proceed.clone(), &attestations);
        assert!(matches!(missing.as_slice(), [Missing::OverrideNeeded { decision, .. }] if decision == "proceed"));
        attestations.override_ = Some(Override {
            by: "A. Clinician".into(),
            why: "patient refused transfer; GP phoned".into(),
            at: now(),
            decision: "proceed".into(),
            verdict_massage: assessment.verdict.massage_code().into(),
            verdict_referral: assessment.verdict.referral_code().into(),
        });
        assert_eq!(gate(proceed, &attestations), Vec::new());
        // An override of another decision does not cover this one, and is dropped on save.
        let mut defer = json;
        defer.as_object_mut().map(|m| m.insert(DECISION_ITEM.into(), serde_json::json!("defer")));
        assert!(matches!(gate(defer.clone(), &attestations).as_slice(), [Missing::OverrideNeeded { .. }]));
        attestations.prune(content(), &answers(defer));
        assert_eq!(attestations.override_, None);
    }

    #[test]
    fn departures_follow_the_issue_definition() {
        assert!(departs_from_verdict("proceed", Some(Tier::Stop), None));
        assert!(departs_from_verdict("proceed_modified", Some(Tier::Stop), Some(Referral::Routine)));
        assert!(!departs_from_verdict("defer", Some(Tier::Stop), Some(Referral::Routine)));
        assert!(departs_from_verdict("defer", Some(Tier::Stop), Some(Referral::Urgent)));
        assert!(!departs_from_verdict("refer", Some(Tier::Stop), Some(Referral::Emergency)));
        assert!(!departs_from_verdict("proceed", Some(Tier::Avoid), None));
    }

    #[test]
    fn recheck_tells_a_tampered_result_from_an_older_rulebook() {
        let parsed = answers(emergency());
        let fresh = Report::new(content(), &content().evaluate(&parsed));
        assert_eq!(recheck(content(), &fresh, &parsed), Recheck::Matches);
        let mut edited = fresh.clone();
        edited.verdict.massage = crate::report::MassageVerdict::Clear;
        edited.verdict.referral = crate::report::ReferralVerdict::NotNeeded;
        let dropped = edited.flags.remove(0);
        let Recheck::Tampered(difference) = recheck(content(), &edited, &parsed) else { panic!("not flagged") };
        assert_eq!(difference.adds, vec![dropped.title.clone()]);
        assert!(difference.verdict.is_some());
        let mut older = edited;
        older.rulebook_version = "2025.01.0".into();
        let recheck = recheck(content(), &older, &parsed);
        assert!(!recheck.is_integrity_problem());
        let words = recheck.words().unwrap_or_default();
        assert!(words.contains("today's rulebook adds: ") && words.contains(&dropped.title), "{words}");
    }

    #[test]
    fn the_headline_names_the_verdict_acknowledgements_and_override() {
        let parsed = answers(emergency());
        let report = Report::new(content(), &content().evaluate(&parsed));
        let lines = headline(&report, &Attestations::default());
        assert!(lines[0].starts_with("VERDICT: STOP · REFER EMERGENCY"), "{lines:?}");
        assert!(lines[1].contains("NOT acknowledged"), "{lines:?}");
        let attestations = Attestations {
            acknowledgements: report
                .flags
                .iter()
                .map(|f| Acknowledgement {
                    flag: f.id.clone(),
                    by: "A. Clinician".into(),
                    at: now(),
                    rulebook_version: "x".into(),
                })
                .collect(),
            ..Attestations::default()
        };
        let lines = headline(&report, &attestations);
        assert!(lines[1].contains("acknowledged by A. Clinician at 2026-11-20 10:00 UTC"), "{lines:?}");
    }

    #[test]
    fn people_read_the_decision_as_the_form_labels_it() {
        let parsed = answers(emergency());
        let assessment = content().evaluate(&parsed);
        let report = Report::new(content(), &assessment);
        let override_ = Override {
            by: "A. Clinician".into(),
            why: "patient refused transfer".into(),
            at: now(),
            decision: "proceed_modified".into(),
            verdict_massage: assessment.verdict.massage_code().into(),
            verdict_referral: assessment.verdict.referral_code().into(),
        };
        let attestations = Attestations { override_: Some(override_), ..Attestations::default() };
        let lines = headline_in(content(), &report, &attestations);
        let last = lines.last().cloned().unwrap_or_default();
        assert!(last.contains("decision \"Proceed with changes\" against verdict STOP + refer emergency"), "{lines:?}");
        let mut json = emergency();
        json.as_object_mut().map(|m| m.insert(DECISION_ITEM.into(), serde_json::json!("proceed_modified")));
        let missing = gate(json, &Attestations::default());
        let needed = missing.iter().find(|m| matches!(m, Missing::OverrideNeeded { .. })).map(Missing::words);
        assert!(needed.is_some_and(|w| w.starts_with("decision \"Proceed with changes\" goes against")), "{missing:?}");
        let short = missing.iter().find(|m| matches!(m, Missing::OverrideNeeded { .. })).map(Missing::short_words);
        assert!(short.is_some_and(|w| w.contains("\"Proceed with changes\"")), "{missing:?}");
    }
}
