//! Practice cases for students, and the one grading function the app and `practice --grade`
//! share. Pure: the cases come in as text, the attempt as parsed answers; no disk, no clock.
//!
//! What is graded is the assessment, not only the flags it produces:
//!
//! - **What was asked.** Each case names the items a competent intake must ask (`must_ask`; by
//!   default every item of the safety screen and the red-flag section that the form shows for the
//!   reference answers). An unanswered item is *not asked*, never "no".
//! - **What was found.** The flags the attempt's answers raise, against the reference result (what
//!   `screen` gives for the case's reference answers, with any acceptable alternative reading the
//!   student gave substituted: see [`Case::alternatives`]).
//! - **The verdict and the plan**, point by point; each differing plan point names the answers that
//!   caused it (the reference re-evaluated with the student's answer to one item at a time).
//! - **The decision** (`decision.outcome`) against the case's expected decision
//!   ([`Case::expected_decision`], or the default [`ExpectedDecision::from_reference`]).
//!
//! Scoring ([`grade`]), out of 100, starting at 100 and clamped at 0; the result lists every
//! deduction line by line ([`Grade::breakdown`]):
//!
//! | what differs from the reference | costs |
//! |---|---|
//! | a missed flag whose massage tier is `stop` or whose referral is `emergency` or `urgent` (a *critical* miss: the misses that harm a patient) | 25 |
//! | a missed `avoid` flag | 15 |
//! | any other missed flag (`modify`, routine referral, note) | 10 |
//! | an extra flag (over-calling: safe, but it costs the patient a treatment) | 4 |
//! | each must-ask item not asked | 2, at most 30 in all |
//! | the verdict (massage tier or referral) | 10 |
//! | each of the plan's route, massage type, session order, same-or-separate days | 5 |
//! | the plan's frequency, only when the route matches (the frequency follows the route) | 5 |
//! | the decision not recorded, or not the expected one (nor an acceptable alternative) | 10 |
//! | each hint (showing the flags while answering) | 3 |
//!
//! The attempt passes at [`PASS_MARK`] (70) or more, and never with a critical miss (leaving the
//! item behind a critical flag unasked is such a miss: the flag is not found), nor with a decision
//! to proceed against a stop, emergency or urgent flag the student found themselves, whatever the
//! score. An empty attempt therefore never passes: 30 for what was not asked and 10 for the
//! missing decision leave at most 60.
//!
//! Feedback speaks plain words: item labels and flag titles, never item ids, rule ids or option
//! codes, and never the values a student typed.

use crate::content::Content;
use crate::domain::{Answers, ItemId, Value};
use crate::known;
use crate::report::{FlagReport, MassageVerdict, ReferralVerdict, Report};
use crate::rules::{Referral, Tier};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub const PASS_MARK: u32 = 70;
const CRITICAL_MISS: u32 = 25;
const AVOID_MISS: u32 = 15;
const OTHER_MISS: u32 = 10;
const EXTRA_FLAG: u32 = 4;
const NOT_ASKED: u32 = 2;
const NOT_ASKED_CAP: u32 = 30;
const VERDICT_DIFFERS: u32 = 10;
const PLAN_POINT_DIFFERS: u32 = 5;
const DECISION_DIFFERS: u32 = 10;
const HINT: u32 = 3;

/// The sections whose shown items a case must ask by default.
pub const SCREENING_SECTIONS: [&str; 2] = known::section::SCREENING;
const DECISION_ITEM: &str = known::item::DECISION_OUTCOME;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Foundation,
    Intermediate,
    Advanced,
}

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::Foundation => "foundation",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }
}

/// The decision a case expects (`decision.outcome` option codes: `proceed`, `proceed_modified`,
/// `defer`, `refer`), and others that are acceptable too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedDecision {
    pub outcome: String,
    #[serde(default)]
    pub acceptable: Vec<String>,
}

impl ExpectedDecision {
    /// The default from the reference result: an emergency or urgent referral → refer; stop →
    /// defer (or refer); a routine referral → proceed with changes, or refer (or defer, when the
    /// massage is stopped); avoid or modify → proceed with changes; clear → proceed (or proceed
    /// with changes). A plan that defers accepts defer too.
    pub fn from_reference(reference: &Report) -> ExpectedDecision {
        let (outcome, mut acceptable): (&str, Vec<&str>) = match (reference.verdict.massage, reference.verdict.referral)
        {
            (_, ReferralVerdict::Emergency | ReferralVerdict::Urgent) => (known::option::REFER, vec![]),
            (MassageVerdict::Stop, _) => (known::option::DEFER, vec![known::option::REFER]),
            (_, ReferralVerdict::Routine) => (known::option::PROCEED_MODIFIED, vec![known::option::REFER]),
            (MassageVerdict::Avoid | MassageVerdict::Modify, _) => (known::option::PROCEED_MODIFIED, vec![]),
            _ => (known::option::PROCEED, vec![known::option::PROCEED_MODIFIED]),
        };
        if reference.plan.route == crate::plan::Route::Defer
            && outcome != known::option::DEFER
            && !acceptable.contains(&known::option::DEFER)
        {
            acceptable.push(known::option::DEFER);
        }
        ExpectedDecision {
            outcome: outcome.to_owned(),
            acceptable: acceptable.into_iter().map(str::to_owned).collect(),
        }
    }

    pub fn accepts(&self, code: &str) -> bool {
        self.outcome == code || self.acceptable.iter().any(|c| c == code)
    }
}

/// One case: a patient's story and the reference answers a careful clinician would record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub id: String,
    pub title: String,
    pub level: Level,
    /// The story as a student hears it.
    pub vignette: String,
    /// The reference answers (the answers-file form).
    pub answers: Map<String, Json>,
    pub learning_points: Vec<String>,
    /// What the case is meant to teach: rule ids, `near-miss:<rule>`, `plan:<situation>`.
    #[serde(default)]
    pub covers: Vec<String>,
    /// The items a competent intake must ask (item ids); absent: see [`Case::must_ask_items`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub must_ask: Option<Vec<String>>,
    /// The decision the case expects; absent: [`ExpectedDecision::from_reference`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_decision: Option<ExpectedDecision>,
    /// Item id → the exact words of the story the reference answer comes from. Required for every
    /// answer that matters (see [`answers_that_matter`]).
    #[serde(default)]
    pub from_story: BTreeMap<String, String>,
    /// Item id → other values (answers-file form) a careful reader of the story could give. An
    /// attempt giving one is graded against the reference with that value substituted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alternatives: BTreeMap<String, Vec<Json>>,
    /// Rule id → why that rule does not apply here (shown when an attempt raises it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub why_not: BTreeMap<String, String>,
}

impl Case {
    /// The visit date of the story (the attempt is judged on the same day).
    pub fn visit_date(&self) -> Option<chrono::NaiveDate> {
        crate::domain::dates::parse_iso_date(self.answers.get(known::item::VISIT_DATE)?.as_str()?)
    }

    pub fn reference_answers(&self, content: &Content) -> Result<Answers, String> {
        let today =
            self.visit_date().ok_or_else(|| format!("case {}: visit.date is missing or not a date", self.id))?;
        content.parse_answers(&self.answers, today).map_err(|errors| {
            let problems: Vec<String> = errors.iter().map(ToString::to_string).collect();
            format!("case {}: the reference answers are not valid: {}", self.id, problems.join("; "))
        })
    }

    pub fn reference(&self, content: &Content) -> Result<Report, String> {
        Ok(Report::new(content, &content.evaluate(&self.reference_answers(content)?)))
    }

    /// The items the attempt must ask: `must_ask` if the case gives it, else every question of the
    /// safety screen and the red-flag section that the form shows for the reference answers
    /// (measurements such as a blood-pressure reading are not questions: a case that needs one
    /// lists it in `must_ask`). Unknown ids are skipped here ([`check_case`] reports them).
    pub fn must_ask_items(&self, content: &Content, reference: &Answers) -> Vec<ItemId> {
        let q = &content.questionnaire;
        match &self.must_ask {
            Some(ids) => ids.iter().filter_map(|id| q.id(id)).collect(),
            None => q
                .items()
                .map(|(id, _)| id)
                .filter(|id| SCREENING_SECTIONS.contains(&q.section_of(*id).id.as_str()))
                .filter(|id| q.item(*id).kind != crate::domain::ItemType::Int)
                .filter(|id| content.is_shown(*id, reference))
                .collect(),
        }
    }

    pub fn expected_decision_for(&self, reference: &Report) -> ExpectedDecision {
        self.expected_decision.clone().unwrap_or_else(|| ExpectedDecision::from_reference(reference))
    }

    /// The acceptable alternative values, parsed (item, values).
    fn parsed_alternatives(&self, content: &Content) -> Vec<(ItemId, Vec<Value>)> {
        let Some(today) = self.visit_date() else { return Vec::new() };
        let mut out = Vec::new();
        for (item, values) in &self.alternatives {
            let Some(id) = content.questionnaire.id(item) else { continue };
            let parsed = values
                .iter()
                .filter_map(|v| {
                    let one: Map<String, Json> = [(item.clone(), v.clone())].into_iter().collect();
                    content.parse_answers(&one, today).ok()?.get(id).cloned()
                })
                .collect();
            out.push((id, parsed));
        }
        out
    }
}

/// What the result depends on: flags, verdict and plan.
#[derive(PartialEq)]
struct Outcome {
    flags: Vec<String>,
    verdict: crate::report::VerdictReport,
    plan: [String; 5],
}

fn outcome(content: &Content, answers: &Answers) -> Outcome {
    let report = Report::new(content, &content.evaluate(answers));
    let p = &report.plan;
    Outcome {
        flags: report.flags.iter().map(|f| f.id.clone()).collect(),
        verdict: report.verdict,
        plan: [
            code(&p.route),
            code(&p.massage_type),
            code(&p.session_order),
            p.separate_days.to_string(),
            code(&p.frequency),
        ],
    }
}

/// The reference answers that matter: dropping that one answer (leaving it not asked) changes the
/// flags, the verdict or the plan. The visit date and the decision section are never counted.
pub fn answers_that_matter(content: &Content, reference: &Answers) -> Vec<String> {
    let whole = outcome(content, reference);
    let q = &content.questionnaire;
    reference
        .given()
        .map(|(id, _)| id)
        .filter(|id| {
            let item = q.item(*id);
            item.id != known::item::VISIT_DATE && q.section_of(*id).id != known::section::DECISION
        })
        .filter(|id| {
            let mut dropped = reference.clone();
            dropped.set(*id, None);
            outcome(content, &dropped) != whole
        })
        .map(|id| q.item(id).id.clone())
        .collect()
}

/// Lower-case words of more than 4 letters.
fn long_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() > 4).map(str::to_lowercase).collect()
}

/// Words that name no finding (they appear in many flag titles and in ordinary stories).
const PLAIN_WORDS: &[&str] = &[
    "recent",
    "signs",
    "after",
    "without",
    "massage",
    "suspected",
    "possible",
    "history",
    "known",
    "current",
    "medical",
    "first",
    "injury",
    "needs",
    "check",
    "assessment",
    "pressure",
    "symptoms",
    "today",
    "clearance",
    "review",
    "referral",
    "other",
    "still",
    "severe",
    "treatment",
    "under",
    "since",
    "taking",
    "blood",
];

/// Whether the title gives the answer away: it holds a word (more than 4 letters) of the title
/// of a flag the case covers and its reference raises, other than the plain words above and the
/// words of what the patient comes in with (the labels of the reference's complaint condition
/// and regions: "ankle" in a title about an ankle injury names the complaint, not the answer).
pub fn title_gives_away(content: &Content, case: &Case, reference: &Report) -> Option<String> {
    let title = long_words(&case.title);
    let q = &content.questionnaire;
    let mut complaint = String::new();
    if let (Some(Json::String(code)), Some(item)) = (
        case.answers.get(known::item::COMPLAINT_CONDITION),
        q.id(known::item::COMPLAINT_CONDITION).map(|id| q.item(id)),
    ) {
        complaint.push_str(&item.option_index(code).map(|i| item.option_label(i).to_owned()).unwrap_or_default());
    }
    if let Some(Json::Array(regions)) = case.answers.get(known::item::COMPLAINT_REGIONS) {
        for region in regions.iter().filter_map(Json::as_str) {
            if let Some(id) = content.regions.id(region) {
                complaint.push(' ');
                complaint.push_str(content.regions.label(id));
            }
        }
    }
    let complaint = long_words(&complaint);
    for flag in reference.flags.iter().filter(|f| case.covers.contains(&f.id)) {
        for word in long_words(&flag.title) {
            if !PLAIN_WORDS.contains(&word.as_str()) && !complaint.contains(&word) && title.contains(&word) {
                return Some(format!(
                    "the title holds the word {word:?} of the flag it teaches (\"{}\"): titles must not name the answer",
                    flag.title
                ));
            }
        }
    }
    None
}

/// Every problem with one case, in plain words (its file named by the caller). Case files are
/// teaching material, not patient data, so values may be named.
pub fn check_case(content: &Content, case: &Case, file: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut problem = |what: String| problems.push(what);
    if file.rsplit('/').next().and_then(|n| n.strip_suffix(".json")) != Some(case.id.as_str()) {
        problem(format!("its id {:?} differs from its file name (it should be {}.json)", case.id, case.id));
    }
    if case.title.trim().is_empty() {
        problem("the title is empty".into());
    }
    if case.vignette.trim().is_empty() {
        problem("the vignette (the patient's story) is empty".into());
    }
    if case.learning_points.is_empty() {
        problem("it has no learning points".into());
    } else if case.learning_points.iter().any(|p| p.trim().is_empty()) {
        problem("a learning point is empty".into());
    }
    let q = &content.questionnaire;
    for id in case.must_ask.iter().flatten() {
        if q.id(id).is_none() {
            problem(format!("must_ask names {id:?}, which is not an item of the questionnaire"));
        }
    }
    let decision = q.id(DECISION_ITEM).map(|id| q.item(id));
    if let (Some(expected), Some(item)) = (&case.expected_decision, decision) {
        for code in std::iter::once(&expected.outcome).chain(&expected.acceptable) {
            if item.option_index(code).is_none() {
                problem(format!(
                    "expected_decision names {code:?}, which is not a decision (one of {})",
                    item.option_codes()
                ));
            }
        }
    }
    for rule in case.why_not.keys() {
        if content.rulebook.index_of(rule).is_none() {
            problem(format!("why_not names {rule:?}, which is not a rule of the rulebook"));
        }
    }
    let (reference_answers, reference) = match case.reference_answers(content) {
        Ok(answers) => {
            let report = Report::new(content, &content.evaluate(&answers));
            (answers, report)
        }
        Err(why) => {
            problem(why);
            return problems;
        }
    };
    if let Some(today) = case.visit_date() {
        for (item, values) in &case.alternatives {
            if q.id(item).is_none() {
                problem(format!("alternatives names {item:?}, which is not an item of the questionnaire"));
                continue;
            }
            for value in values {
                let one: Map<String, Json> = [(item.clone(), value.clone())].into_iter().collect();
                if let Err(errors) = content.parse_answers(&one, today) {
                    let what: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    problem(format!("an alternative for {item} is not a valid answer: {}", what.join("; ")));
                }
            }
        }
    }
    let fired = |id: &str| reference.flags.iter().any(|f| f.id == id);
    for cover in &case.covers {
        if let Some(rule) = cover.strip_prefix("near-miss:") {
            if content.rulebook.index_of(rule).is_none() {
                problem(format!("covers names the near miss {rule:?}, which is not a rule of the rulebook"));
            } else if fired(rule) {
                problem(format!("covers names {rule:?} as a near miss, but the reference answers raise it"));
            }
        } else if cover.starts_with("plan:") {
            // A plan situation: free words.
        } else if content.rulebook.index_of(cover).is_none() {
            problem(format!("covers names {cover:?}, which is not a rule of the rulebook"));
        } else if !fired(cover) {
            problem(format!("covers names {cover:?}, but the reference answers do not raise it"));
        }
    }
    for (item, words) in &case.from_story {
        if !case.answers.contains_key(item) {
            problem(format!("from_story cites the story for {item}, which has no reference answer"));
        } else if words.trim().is_empty() {
            problem(format!("from_story for {item} is empty"));
        } else if !case.vignette.contains(words.as_str()) {
            problem(format!("from_story for {item} is not found word for word in the story: {words:?}"));
        }
    }
    for item in answers_that_matter(content, &reference_answers) {
        if !case.from_story.contains_key(&item) {
            let label = q.id(&item).map_or(item.as_str(), |id| q.item(id).label.as_str());
            problem(format!(
                "the reference answer to {item} ({label}) changes the flags, verdict or plan, but from_story does not cite the words of the story it comes from"
            ));
        }
    }
    for id in case.must_ask_items(content, &reference_answers) {
        if reference_answers.get(id).is_none() {
            let item = q.item(id);
            problem(format!(
                "the reference answers leave {} ({}) unanswered, yet the attempt must ask it",
                item.id, item.label
            ));
        }
    }
    if let Some(why) = title_gives_away(content, case, &reference) {
        problem(why);
    }
    problems
}

/// A case file: its file name (`<id>.json`) and text. The embedded ones come from assets/cases/
/// through build.rs, sorted by name.
#[derive(Debug, Clone, Copy)]
pub struct CaseSource<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

const CASE_FILES: &[CaseSource<'static>] = include!(concat!(env!("OUT_DIR"), "/case_files.rs"));

/// The built-in case files (assets/cases/).
pub fn built_in_sources() -> &'static [CaseSource<'static>] {
    CASE_FILES
}

/// Parse one case file and check it: the case, or every problem with it in plain words (each
/// prefixed with the file name).
pub fn parse_case(content: &Content, source: &CaseSource<'_>) -> Result<Case, Vec<String>> {
    let file = source.name;
    // Case files are teaching material, not patient data: serde's words may be shown.
    let case: Case = serde_json::from_str(source.text).map_err(|e| vec![format!("{file}: not a valid case: {e}")])?;
    let problems = check_case(content, &case, file);
    if problems.is_empty() { Ok(case) } else { Err(problems.into_iter().map(|p| format!("{file}: {p}")).collect()) }
}

#[derive(Debug, Clone)]
pub struct Cases {
    pub cases: Vec<Case>,
}

impl Cases {
    /// Every case checked ([`check_case`]): its id is its file name and unique, its title, story
    /// and learning points are there, its reference answers are valid on its own visit date, the
    /// answers that matter cite the story. A bad case is an error naming the file and the
    /// problem, never a case that silently grades wrong. The cases come out by level, then id.
    pub fn load(content: &Content, sources: &[CaseSource<'_>]) -> Result<Cases, Vec<String>> {
        let mut cases: Vec<Case> = Vec::new();
        let mut problems = Vec::new();
        for source in sources {
            match parse_case(content, source) {
                Ok(case) => {
                    if cases.iter().any(|c| c.id == case.id) {
                        problems.push(format!("{}: the id {} is used by another case too", source.name, case.id));
                    }
                    cases.push(case);
                }
                Err(mut more) => problems.append(&mut more),
            }
        }
        cases.sort_by(|a, b| (a.level, &a.id).cmp(&(b.level, &b.id)));
        if problems.is_empty() { Ok(Cases { cases }) } else { Err(problems) }
    }

    /// The built-in cases plus folder cases (file name, text). A folder case whose id is a
    /// built-in one is an error naming its file: a folder never replaces a built-in case.
    pub fn with_folder_cases(content: &Content, folder: &[(String, String)]) -> Result<Cases, Vec<String>> {
        let built_in = Cases::embedded(content).map_err(<[String]>::to_vec)?;
        let sources: Vec<CaseSource<'_>> =
            folder.iter().map(|(name, text)| CaseSource { name: name.as_str(), text: text.as_str() }).collect();
        let mut problems = Vec::new();
        for source in &sources {
            let stem = source.name.rsplit('/').next().unwrap_or(source.name).trim_end_matches(".json");
            if built_in.get(stem).is_some() {
                problems.push(format!(
                    "{}: the id {stem} is a built-in case; a folder case must have an id of its own",
                    source.name
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let extra = Cases::load(content, &sources)?;
        let mut cases = built_in.cases.clone();
        cases.extend(extra.cases);
        cases.sort_by(|a, b| (a.level, &a.id).cmp(&(b.level, &b.id)));
        Ok(Cases { cases })
    }

    /// The cases built into the program, loaded and checked once.
    pub fn embedded(content: &Content) -> Result<&'static Cases, &'static [String]> {
        static CASES: OnceLock<Result<Cases, Vec<String>>> = OnceLock::new();
        CASES.get_or_init(|| Cases::load(content, CASE_FILES)).as_ref().map_err(Vec::as_slice)
    }

    pub fn get(&self, id: &str) -> Option<&Case> {
        self.cases.iter().find(|c| c.id == id)
    }
}

/// One point of the care plan, compared, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPoint {
    pub point: String,
    pub expected: String,
    pub given: String,
    pub matches: bool,
    /// When it differs: the answers that caused it, in words (item labels, never values).
    #[serde(default)]
    pub caused_by: Vec<String>,
}

/// One line of the score: what it is for and the points it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreLine {
    pub what: String,
    pub points: u32,
}

/// The student's decision, graded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionGrade {
    /// In words (`Refer`), or `not recorded`.
    pub expected: String,
    pub acceptable: Vec<String>,
    pub given: String,
    pub matches: bool,
    /// A decision that goes against a flag the student found, in plain words.
    pub contradiction: Option<String>,
    /// Whether that decision fails the attempt: proceeding against a stop flag, or not referring
    /// against an emergency or urgent one, the student found themselves.
    #[serde(default)]
    pub fails_attempt: bool,
}

/// The result of one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub case: String,
    pub score: u32,
    pub passed: bool,
    #[serde(default = "pass_mark")]
    pub pass_mark: u32,
    /// Flags the reference raises and the attempt does not (rule ids, most serious first).
    pub missed: Vec<String>,
    /// Flags the attempt raises and the reference does not.
    pub extra: Vec<String>,
    /// Missed flags that fail the attempt whatever the score (stop, emergency, urgent).
    pub critical_missed: Vec<String>,
    /// Must-ask items the attempt left unanswered (item ids).
    #[serde(default)]
    pub not_asked: Vec<String>,
    pub verdict_match: bool,
    pub expected_verdict: String,
    pub given_verdict: String,
    pub plan: Vec<PlanPoint>,
    #[serde(default)]
    pub decision: Option<DecisionGrade>,
    pub hints_used: u32,
    /// Every deduction, line by line.
    #[serde(default)]
    pub breakdown: Vec<ScoreLine>,
    /// One line per missed or extra flag (what it is, why it fires, what to do, its source), the
    /// items not asked, and the decision when it contradicts a flag the student found.
    pub feedback: Vec<String>,
    pub learning_points: Vec<String>,
}

fn pass_mark() -> u32 {
    PASS_MARK
}

fn is_critical(flag: &FlagReport) -> bool {
    flag.massage == Some(Tier::Stop) || matches!(flag.referral, Some(Referral::Emergency | Referral::Urgent))
}

fn miss_cost(flag: &FlagReport) -> u32 {
    match flag.massage {
        _ if is_critical(flag) => CRITICAL_MISS,
        Some(Tier::Avoid) => AVOID_MISS,
        _ => OTHER_MISS,
    }
}

/// The verdict in words: `stop: no massage; an urgent referral`.
pub fn verdict_words(report: &Report) -> String {
    crate::words::verdict_sentence(&report.verdict)
}

fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Json::String(s)) => s,
        Ok(Json::Null) => "none".into(),
        Ok(other) => other.to_string(),
        Err(_) => "?".into(),
    }
}

/// An option code in words: `physio_first` → "physiotherapy first", `deep_tissue` → "deep tissue".
pub fn plain(code: &str) -> String {
    match code {
        "emergency_referral" => "emergency referral".into(),
        "urgent_referral" => "urgent referral".into(),
        "defer" => "defer treatment".into(),
        "combined" => "physiotherapy and massage combined".into(),
        "physio_first" => "physiotherapy first".into(),
        "massage" => "massage".into(),
        "none" => "none".into(),
        other => other.replace("physio_", "physiotherapy_").replace('_', " "),
    }
}

fn label_of(content: &Content, id: ItemId) -> String {
    content.questionnaire.item(id).label.clone()
}

fn item_label(content: &Content, item: &str) -> String {
    content.questionnaire.id(item).map_or_else(|| plain(item), |id| label_of(content, id))
}

/// A rule's trigger in words: item ids become their labels, rule ids their titles, other codes
/// lose their underscores.
fn trigger_words(content: &Content, trigger: &str) -> String {
    let mut out = String::new();
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.is_empty() {
            return;
        }
        let trimmed = token.trim_end_matches('.');
        let tail = &token[trimmed.len()..];
        let word = if let Some(id) = content.questionnaire.id(trimmed) {
            format!("\"{}\"", label_of(content, id))
        } else if let Some(i) = content.rulebook.index_of(trimmed) {
            format!("\"{}\"", content.rulebook.rule(i).title)
        } else if trimmed.contains('_') || trimmed.contains('.') {
            plain(&trimmed.replace('.', " "))
        } else {
            trimmed.to_owned()
        };
        out.push_str(&word);
        out.push_str(tail);
        token.clear();
    };
    for c in trigger.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// The sources a student reads: the course's internal seed references are left out.
fn student_sources(flag: &FlagReport) -> String {
    let kept: Vec<&str> =
        flag.sources.iter().map(String::as_str).filter(|s| !s.to_lowercase().starts_with("seed ")).collect();
    if kept.is_empty() { String::new() } else { format!(" Source: {}.", kept.join("; ")) }
}

/// The decision option in words (`Proceed with changes`).
fn decision_words(content: &Content, code: &str) -> String {
    crate::words::decision_label(content, code)
}

/// Grade an attempt against the case's reference result (what `screen` gives for the case's
/// reference answers, with the student's acceptable alternatives substituted), by the scoring in
/// this module's documentation. `attempt` should be parsed with the case's visit date as today
/// (see [`Case::visit_date`]). An error only when the case's own reference answers are invalid,
/// which [`Cases::load`] rules out for loaded cases.
pub fn grade(content: &Content, case: &Case, attempt: &Answers, hints_used: u32) -> Result<Grade, String> {
    let q = &content.questionnaire;
    let mut reference_answers = case.reference_answers(content)?;
    let must_ask = case.must_ask_items(content, &reference_answers);
    for (id, values) in case.parsed_alternatives(content) {
        if let Some(given) = attempt.get(id).filter(|v| values.contains(v)) {
            reference_answers.set(id, Some(given.clone()));
        }
    }
    let reference = Report::new(content, &content.evaluate(&reference_answers));
    let given = Report::new(content, &content.evaluate(attempt));
    let fired = |report: &Report, id: &str| report.flags.iter().any(|f| f.id == id);
    let mut breakdown = Vec::new();
    let mut feedback = Vec::new();

    let missed: Vec<&FlagReport> = reference.flags.iter().filter(|f| !fired(&given, &f.id)).collect();
    let extra: Vec<&FlagReport> = given.flags.iter().filter(|f| !fired(&reference, &f.id)).collect();
    for flag in &missed {
        let cost = miss_cost(flag);
        breakdown.push(ScoreLine { what: format!("missed: {} ({})", flag.title, badges(flag)), points: cost });
        let consequence = if is_critical(flag) { "a miss that fails the attempt" } else { "a miss" };
        let (unasked, differing): (Vec<String>, Vec<String>) = {
            let items: Vec<(String, bool)> = flag
                .because
                .iter()
                .filter(|i| *i != known::item::VISIT_DATE)
                .filter_map(|i| q.id(i))
                .filter(|id| attempt.get(*id) != reference_answers.get(*id))
                .map(|id| (label_of(content, id), attempt.get(id).is_none()))
                .collect();
            let unasked = items.iter().filter(|(_, u)| *u).map(|(l, _)| l.clone()).collect();
            let differing = items.iter().filter(|(_, u)| !*u).map(|(l, _)| l.clone()).collect();
            (unasked, differing)
        };
        let mut why = String::new();
        if !unasked.is_empty() {
            why.push_str(&format!(" Not asked: {}.", unasked.join("; ")));
        }
        if !differing.is_empty() {
            why.push_str(&format!(" Your answer differs from the story: {}.", differing.join("; ")));
        }
        feedback.push(format!(
            "MISSED {} ({}): {consequence}.{}{why} What to do: {}{}",
            flag.title,
            badges(flag),
            why_it_fires(content, flag, "in the story it fires on"),
            flag.action,
            student_sources(flag)
        ));
    }
    for flag in &extra {
        breakdown.push(ScoreLine { what: format!("extra: {} ({})", flag.title, badges(flag)), points: EXTRA_FLAG });
        let why_not = match case.why_not.get(&flag.id) {
            Some(text) => format!(" Why it does not apply here: {text}"),
            None => " Check the story again.".to_owned(),
        };
        feedback.push(format!(
            "EXTRA {} ({}): the story does not raise it.{}{why_not}{}",
            flag.title,
            badges(flag),
            why_it_fires(content, flag, "your answers raised it through"),
            student_sources(flag)
        ));
    }

    let not_asked: Vec<ItemId> = must_ask.iter().copied().filter(|id| attempt.get(*id).is_none()).collect();
    if !not_asked.is_empty() {
        let cost = (NOT_ASKED.saturating_mul(not_asked.len() as u32)).min(NOT_ASKED_CAP);
        breakdown.push(ScoreLine {
            what: format!(
                "{} screening question(s) not asked ({NOT_ASKED} each, at most {NOT_ASKED_CAP})",
                not_asked.len()
            ),
            points: cost,
        });
        let labels: Vec<String> = not_asked.iter().map(|id| label_of(content, *id)).collect();
        feedback.push(format!(
            "NOT ASKED ({}): a competent intake asks every one of these; an unanswered question is not a \"no\": {}.",
            not_asked.len(),
            labels.join("; ")
        ));
    }

    let verdict_match = reference.verdict == given.verdict;
    if !verdict_match {
        breakdown.push(ScoreLine {
            what: format!("verdict: expected {}. Yours: {}", verdict_words(&reference), verdict_words(&given)),
            points: VERDICT_DIFFERS,
        });
    }

    let plan = compare_plans(content, &reference, &given, &reference_answers, attempt);
    let route_matches = reference.plan.route == given.plan.route;
    for point in plan.iter().filter(|p| !p.matches && (p.point != "frequency" || route_matches)) {
        breakdown.push(ScoreLine {
            what: format!("plan {}: expected {}; yours {}", point.point, point.expected, point.given),
            points: PLAN_POINT_DIFFERS,
        });
    }

    let decision = grade_decision(content, case, &reference, &given, attempt);
    if !decision.matches {
        breakdown.push(ScoreLine {
            what: format!("decision: expected {}; yours {}", decision.expected, decision.given),
            points: DECISION_DIFFERS,
        });
    }
    let unsafe_decision = decision.fails_attempt;
    if let Some(words) = &decision.contradiction {
        feedback.push(format!("DECISION {words}"));
    }

    if hints_used > 0 {
        breakdown.push(ScoreLine {
            what: format!("{hints_used} hint(s) ({HINT} each)"),
            points: HINT.saturating_mul(hints_used),
        });
    }
    let cost = breakdown.iter().fold(0u32, |sum, line| sum.saturating_add(line.points));
    let score = 100u32.saturating_sub(cost);
    let critical_missed: Vec<String> = missed.iter().filter(|f| is_critical(f)).map(|f| f.id.clone()).collect();
    Ok(Grade {
        case: case.id.clone(),
        score,
        passed: score >= PASS_MARK && critical_missed.is_empty() && !unsafe_decision,
        pass_mark: PASS_MARK,
        missed: missed.iter().map(|f| f.id.clone()).collect(),
        extra: extra.iter().map(|f| f.id.clone()).collect(),
        critical_missed,
        not_asked: not_asked.iter().map(|id| q.item(*id).id.clone()).collect(),
        verdict_match,
        expected_verdict: verdict_words(&reference),
        given_verdict: verdict_words(&given),
        plan,
        decision: Some(decision),
        hints_used,
        breakdown,
        feedback,
        learning_points: case.learning_points.clone(),
    })
}

fn plan_points(report: &Report) -> [(&'static str, String); 5] {
    let p = &report.plan;
    [
        ("route", plain(&code(&p.route))),
        ("massage type", plain(&code(&p.massage_type))),
        ("session order", plain(&code(&p.session_order))),
        ("separate days", if p.separate_days { "separate days".into() } else { "same day".into() }),
        ("frequency", code(&p.frequency)),
    ]
}

/// The plan point by point; a differing point names the answers that cause it: the reference
/// re-evaluated with the student's answer (or its absence) to one item at a time gives the
/// student's value for that point.
fn compare_plans(
    content: &Content,
    reference: &Report,
    given: &Report,
    reference_answers: &Answers,
    attempt: &Answers,
) -> Vec<PlanPoint> {
    let q = &content.questionnaire;
    let expected = plan_points(reference);
    let yours = plan_points(given);
    let differing_items: Vec<ItemId> = q
        .items()
        .map(|(id, _)| id)
        .filter(|id| q.section_of(*id).id != known::section::DECISION && q.item(*id).id != known::item::VISIT_DATE)
        .filter(|id| attempt.get(*id) != reference_answers.get(*id))
        .collect();
    let mut points = Vec::new();
    for (index, ((point, expected), (_, given))) in expected.into_iter().zip(yours).enumerate() {
        let matches = expected == given;
        let mut caused_by = Vec::new();
        if !matches {
            // First the answers that alone move the reference's point; when none does (two
            // answers each enough on their own), the answers that alone set the attempt's right.
            let point_of = |answers: &Answers| plan_points(&Report::new(content, &content.evaluate(answers)));
            let mut causes: Vec<ItemId> = differing_items
                .iter()
                .copied()
                .filter(|id| {
                    let mut one = reference_answers.clone();
                    one.set(*id, attempt.get(*id).cloned());
                    point_of(&one)[index].1 != expected
                })
                .collect();
            if causes.is_empty() {
                causes = differing_items
                    .iter()
                    .copied()
                    .filter(|id| {
                        let mut one = attempt.clone();
                        one.set(*id, reference_answers.get(*id).cloned());
                        point_of(&one)[index].1 == expected
                    })
                    .collect();
            }
            for id in causes {
                let label = label_of(content, id);
                caused_by.push(if attempt.get(id).is_none() {
                    format!("{label} (not asked)")
                } else {
                    format!("{label} (your answer)")
                });
            }
        }
        points.push(PlanPoint { point: point.to_owned(), expected, given, matches, caused_by });
    }
    points
}

fn grade_decision(
    content: &Content,
    case: &Case,
    reference: &Report,
    given: &Report,
    attempt: &Answers,
) -> DecisionGrade {
    let expected = case.expected_decision_for(reference);
    let chosen = content.questionnaire.id(DECISION_ITEM).and_then(|id| {
        let item = content.questionnaire.item(id);
        attempt.choice(id).map(|c| item.option_code(c).to_owned())
    });
    let matches = chosen.as_deref().is_some_and(|c| expected.accepts(c));
    let proceeding = matches!(chosen.as_deref(), Some(known::option::PROCEED | known::option::PROCEED_MODIFIED));
    let stop = given.flags.iter().find(|f| f.massage == Some(Tier::Stop));
    let refer = given.flags.iter().find(|f| matches!(f.referral, Some(Referral::Emergency | Referral::Urgent)));
    let avoid = given.flags.iter().find(|f| f.massage == Some(Tier::Avoid));
    let chosen_words = chosen.as_deref().map(|c| decision_words(content, c));
    let fails_attempt = match chosen.as_deref() {
        Some(c) => (refer.is_some() && c != known::option::REFER) || (stop.is_some() && proceeding),
        None => false,
    };
    let contradiction = match (chosen.as_deref(), chosen_words.as_deref()) {
        (Some(c), Some(words)) => {
            if let Some(flag) = refer.filter(|_| c != known::option::REFER) {
                Some(format!(
                    "\"{words}\" goes against a flag you found yourself: {} needs {}, so the decision is to refer. Such a decision fails the attempt.",
                    flag.title,
                    crate::words::referral_sentence(ReferralVerdict::from_referral(flag.referral))
                ))
            } else if let Some(flag) = stop.filter(|_| proceeding) {
                Some(format!(
                    "\"{words}\" goes against a flag you found yourself: {} means no massage today. Such a decision fails the attempt.",
                    flag.title
                ))
            } else {
                avoid.filter(|_| c == known::option::PROCEED).map(|flag| {
                    format!(
                        "\"{words}\" unchanged goes against a flag you found yourself: {} means avoiding an area, so the treatment changes.",
                        flag.title
                    )
                })
            }
        }
        _ => None,
    };
    DecisionGrade {
        expected: decision_words(content, &expected.outcome),
        acceptable: expected.acceptable.iter().map(|c| decision_words(content, c)).collect(),
        given: chosen_words.unwrap_or_else(|| "not recorded".to_owned()),
        matches,
        contradiction,
        fails_attempt,
    }
}

/// `stop: no massage; an urgent referral`: the tier and referral in words.
fn badges(flag: &FlagReport) -> String {
    let tier = match flag.massage {
        Some(tier) => crate::words::massage_sentence(MassageVerdict::from_tier(Some(tier))),
        None => "a note",
    };
    match flag.referral {
        Some(referral) => {
            format!("{tier}; {}", crate::words::referral_sentence(ReferralVerdict::from_referral(Some(referral))))
        }
        None => tier.to_owned(),
    }
}

/// ` The rule fires when <trigger>; <lead>: <item labels>.` The item labels, never their values.
fn why_it_fires(content: &Content, flag: &FlagReport, lead: &str) -> String {
    let mut out = String::new();
    if let Some(rule) = content.rulebook.index_of(&flag.id).map(|i| content.rulebook.rule(i)) {
        out.push_str(&format!(" The rule fires when {}", trigger_words(content, &rule.trigger_in_full)));
    }
    let labels: Vec<String> =
        flag.because.iter().filter(|id| *id != known::item::VISIT_DATE).map(|id| item_label(content, id)).collect();
    if !labels.is_empty() {
        out.push_str(if out.is_empty() { " " } else { "; " });
        out.push_str(&format!("{lead}: {}", labels.join("; ")));
    }
    if !out.is_empty() {
        out.push('.');
    }
    out
}

/// A grade as a student reads it at a terminal.
pub fn render_grade(case: &Case, grade: &Grade) -> String {
    let mut out = String::new();
    let verdict = if grade.passed { "PASSED" } else { "NOT PASSED" };
    out.push_str(&format!("{verdict}  {}/100  ·  {} ({})\n", grade.score, case.title, case.level.code()));
    out.push_str(&format!(
        "Pass mark: {} out of 100, with no stop or emergency/urgent flag missed and no decision against such a flag you found.\n",
        grade.pass_mark
    ));
    if !grade.critical_missed.is_empty() {
        out.push_str(&format!(
            "{} stop or emergency/urgent flag(s) missed: such a miss fails the attempt whatever the score.\n",
            grade.critical_missed.len()
        ));
    }
    out.push_str("\nScore: 100\n");
    for line in &grade.breakdown {
        out.push_str(&format!("  -{:<3} {}\n", line.points, line.what));
    }
    out.push_str(&format!("  = {}\n", grade.score));
    out.push('\n');
    if grade.feedback.is_empty() {
        out.push_str("Every screening question asked, every flag found, none extra.\n");
    }
    for line in &grade.feedback {
        out.push_str(&format!("- {line}\n"));
    }
    out.push_str(&format!(
        "\nVerdict: expected {}. Yours: {}{}\n",
        grade.expected_verdict,
        grade.given_verdict,
        if grade.verdict_match { " ✓" } else { " ✗" }
    ));
    for point in &grade.plan {
        let mark = if point.matches { "✓" } else { "✗" };
        out.push_str(&format!("Plan {}: expected {}; yours {} {mark}\n", point.point, point.expected, point.given));
        if !point.caused_by.is_empty() {
            out.push_str(&format!("  because of: {}\n", point.caused_by.join("; ")));
        }
    }
    if let Some(decision) = &grade.decision {
        let also = if decision.acceptable.is_empty() {
            String::new()
        } else {
            format!(" (or {})", decision.acceptable.join(", "))
        };
        out.push_str(&format!(
            "Decision: expected {}{also}; yours {} {}\n",
            decision.expected,
            decision.given,
            if decision.matches { "✓" } else { "✗" }
        ));
    }
    if grade.hints_used > 0 {
        out.push_str(&format!("Hints used: {}\n", grade.hints_used));
    }
    out.push_str("\nLearning points:\n");
    for point in &grade.learning_points {
        out.push_str(&format!("- {point}\n"));
    }
    out
}

/// The `format` of a saved practice attempt (kept under practice/, never with patient records).
pub const ATTEMPT_FORMAT: &str = "physio-intake/practice-attempt";

/// The `schema_version` this program writes; files with a newer one are skipped as too new.
/// Version 2 added the student's name and the grade's breakdown, not-asked items and decision;
/// version 1 files read as before (no name, no breakdown).
pub const ATTEMPT_SCHEMA_VERSION: u32 = 2;

/// One graded attempt, as saved (by `Store::save_attempt`, under practice/). The caller owns the
/// clock: `started_at` and `finished_at` are passed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    pub format: String,
    pub schema_version: u32,
    pub id: String,
    pub case: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: chrono::DateTime<chrono::Utc>,
    /// The student's answers (answers-file form).
    pub answers: Map<String, Json>,
    /// How many times the flags were shown while answering (also in `grade`).
    #[serde(default)]
    pub hints_used: u32,
    /// The student's name, when given (`--student NAME`); older attempt files have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student: Option<String>,
    pub grade: Grade,
}

impl Attempt {
    pub fn new(
        id: String,
        grade: Grade,
        answers: Map<String, Json>,
        started_at: chrono::DateTime<chrono::Utc>,
        finished_at: chrono::DateTime<chrono::Utc>,
    ) -> Attempt {
        Attempt {
            format: ATTEMPT_FORMAT.to_owned(),
            schema_version: ATTEMPT_SCHEMA_VERSION,
            id,
            case: grade.case.clone(),
            started_at,
            finished_at,
            answers,
            hints_used: grade.hints_used,
            student: None,
            grade,
        }
    }

    /// The same attempt, carrying the student's name (trimmed; an empty name is none).
    pub fn with_student(mut self, student: Option<&str>) -> Attempt {
        self.student = student.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        self
    }
}

/// A student's progress on one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub case: String,
    pub title: String,
    pub level: Level,
    pub attempts: usize,
    pub best_score: Option<u32>,
    pub passed: bool,
    pub last_attempt: Option<chrono::DateTime<chrono::Utc>>,
}

/// Progress on every case, in the cases' order (cases never tried included).
pub fn progress(cases: &Cases, attempts: &[Attempt]) -> Vec<Progress> {
    cases
        .cases
        .iter()
        .map(|case| {
            let mine: Vec<&Attempt> = attempts.iter().filter(|a| a.case == case.id).collect();
            Progress {
                case: case.id.clone(),
                title: case.title.clone(),
                level: case.level,
                attempts: mine.len(),
                best_score: mine.iter().map(|a| a.grade.score).max(),
                passed: mine.iter().any(|a| a.grade.passed),
                last_attempt: mine.iter().map(|a| a.finished_at).max(),
            }
        })
        .collect()
}

/// Progress as a student reads it: one case a line.
pub fn render_progress(rows: &[Progress]) -> String {
    let mut out =
        String::from("CASE                                          LEVEL         ATTEMPTS  BEST  PASSED  LAST\n");
    for row in rows {
        out.push_str(&format!(
            "{:<45} {:<13} {:>8}  {:>4}  {:<6}  {}\n",
            row.case,
            row.level.code(),
            row.attempts,
            row.best_score.map_or("–".to_owned(), |s| s.to_string()),
            if row.passed {
                "yes"
            } else if row.attempts > 0 {
                "not yet"
            } else {
                "–"
            },
            row.last_attempt.map_or("–".to_owned(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        ));
    }
    out
}

/// One row of a class table: one student's attempts at one case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassRow {
    pub student: String,
    pub case: String,
    pub title: String,
    pub attempts: usize,
    pub best_score: Option<u32>,
    pub last_score: Option<u32>,
    pub passed: bool,
    /// Hints taken over all the attempts.
    pub hints: u32,
    /// Attempts that missed a stop or emergency/urgent flag.
    pub failed_criticals: usize,
    pub last_attempt: Option<chrono::DateTime<chrono::Utc>>,
}

/// One student's practice folder: a name for it (the folder, shown when an attempt names no
/// student) and its attempts.
#[derive(Debug, Clone)]
pub struct StudentFolder {
    pub folder: String,
    pub attempts: Vec<Attempt>,
}

/// The merged class table: per student (the name in the attempt, else the folder's) and per case
/// tried, by student then in the cases' order. Cases nobody tried are left out; attempts at a
/// case this program does not know are kept under their case id.
pub fn class_table(cases: &Cases, folders: &[StudentFolder]) -> Vec<ClassRow> {
    let mut by_student: BTreeMap<String, Vec<&Attempt>> = BTreeMap::new();
    for folder in folders {
        for attempt in &folder.attempts {
            let name = attempt.student.clone().unwrap_or_else(|| folder.folder.clone());
            by_student.entry(name).or_default().push(attempt);
        }
    }
    let order = |case: &str| cases.cases.iter().position(|c| c.id == case).unwrap_or(usize::MAX);
    let mut rows = Vec::new();
    for (student, attempts) in by_student {
        let mut case_ids: Vec<&str> = attempts.iter().map(|a| a.case.as_str()).collect();
        case_ids.sort_by_key(|c| (order(c), c.to_string()));
        case_ids.dedup();
        for case in case_ids {
            let mut mine: Vec<&&Attempt> = attempts.iter().filter(|a| a.case == case).collect();
            mine.sort_by(|a, b| (a.finished_at, &a.id).cmp(&(b.finished_at, &b.id)));
            rows.push(ClassRow {
                student: student.clone(),
                case: case.to_owned(),
                title: cases.get(case).map_or_else(String::new, |c| c.title.clone()),
                attempts: mine.len(),
                best_score: mine.iter().map(|a| a.grade.score).max(),
                last_score: mine.last().map(|a| a.grade.score),
                passed: mine.iter().any(|a| a.grade.passed),
                hints: mine.iter().fold(0u32, |sum, a| sum.saturating_add(a.grade.hints_used)),
                failed_criticals: mine.iter().filter(|a| !a.grade.critical_missed.is_empty()).count(),
                last_attempt: mine.last().map(|a| a.finished_at),
            });
        }
    }
    rows
}

/// The class table as text, one student and case a line.
pub fn render_class_table(rows: &[ClassRow]) -> String {
    let mut out = format!(
        "{:<20} {:<45} {:>8} {:>4} {:>4} {:>5} {:>9}  PASSED\n",
        "STUDENT", "CASE", "ATTEMPTS", "BEST", "LAST", "HINTS", "CRITICALS"
    );
    let dash = |v: Option<u32>| v.map_or("–".to_owned(), |s| s.to_string());
    for row in rows {
        out.push_str(&format!(
            "{:<20} {:<45} {:>8} {:>4} {:>4} {:>5} {:>9}  {}\n",
            row.student,
            row.case,
            row.attempts,
            dash(row.best_score),
            dash(row.last_score),
            row.hints,
            row.failed_criticals,
            if row.passed { "yes" } else { "not yet" }
        ));
    }
    if rows.is_empty() {
        out.push_str("No attempts yet.\n");
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// The class table as CSV (RFC 4180, a header line first).
pub fn render_class_csv(rows: &[ClassRow]) -> String {
    let mut out =
        String::from("student,case,title,attempts,best_score,last_score,passed,hints,failed_criticals,last_attempt\n");
    let num = |v: Option<u32>| v.map_or(String::new(), |s| s.to_string());
    for row in rows {
        let fields = [
            csv_field(&row.student),
            csv_field(&row.case),
            csv_field(&row.title),
            row.attempts.to_string(),
            num(row.best_score),
            num(row.last_score),
            row.passed.to_string(),
            row.hints.to_string(),
            row.failed_criticals.to_string(),
            row.last_attempt.map_or(String::new(), |t| t.to_rfc3339()),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}
