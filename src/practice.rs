//! Practice cases for students, and the one grading function the app and `practice --grade`
//! share. Pure: the cases come in as text, the attempt as parsed answers.
//!
//! Scoring ([`grade`]), out of 100, starting at 100 and clamped at 0:
//!
//! | what differs from the reference result | costs |
//! |---|---|
//! | a missed flag whose massage tier is `stop` or whose referral is `emergency` or `urgent` (a *critical* miss: the misses that harm a patient) | 25 |
//! | a missed `avoid` flag | 15 |
//! | any other missed flag (`modify`, routine referral, note) | 10 |
//! | an extra flag (over-calling: safe, but it costs the patient a treatment) | 4 |
//! | the verdict (massage tier or referral) | 10 |
//! | each of the plan's route, massage type, session order, same-or-separate days | 5 |
//! | the plan's frequency, only when the route matches (the frequency follows the route) | 5 |
//! | each hint (showing the flags while answering) | 3 |
//!
//! The attempt passes at [`PASS_MARK`] (70) or more, and never with a critical miss, whatever the
//! score.

use crate::content::Content;
use crate::domain::Answers;
use crate::report::{FlagReport, Report};
use crate::rules::{Referral, Tier};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use std::sync::OnceLock;

pub const PASS_MARK: u32 = 70;
const CRITICAL_MISS: u32 = 25;
const AVOID_MISS: u32 = 15;
const OTHER_MISS: u32 = 10;
const EXTRA_FLAG: u32 = 4;
const VERDICT_DIFFERS: u32 = 10;
const PLAN_POINT_DIFFERS: u32 = 5;
const HINT: u32 = 3;

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
}

impl Case {
    /// The visit date of the story (the attempt is judged on the same day).
    pub fn visit_date(&self) -> Option<chrono::NaiveDate> {
        crate::domain::dates::parse_iso_date(self.answers.get("visit.date")?.as_str()?)
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
}

/// A case file: its file name (`<id>.json`) and text. The embedded ones come from assets/cases/
/// through build.rs, sorted by name.
#[derive(Debug, Clone, Copy)]
pub struct CaseSource<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

const CASE_FILES: &[CaseSource<'static>] = include!(concat!(env!("OUT_DIR"), "/case_files.rs"));

#[derive(Debug, Clone)]
pub struct Cases {
    pub cases: Vec<Case>,
}

impl Cases {
    /// Every case checked: its id is its file name and unique, its title, story and learning points
    /// are there, its reference answers are valid on its own visit date. A bad case is an error
    /// naming the file and the problem, never a case that silently grades wrong. The cases come
    /// out by level, then id.
    pub fn load(content: &Content, sources: &[CaseSource<'_>]) -> Result<Cases, Vec<String>> {
        let mut cases: Vec<Case> = Vec::new();
        let mut problems = Vec::new();
        for source in sources {
            let file = source.name;
            // Case files are teaching material, not patient data: serde's words may be shown.
            let case: Case = match serde_json::from_str(source.text) {
                Ok(case) => case,
                Err(e) => {
                    problems.push(format!("{file}: not a valid case: {e}"));
                    continue;
                }
            };
            let mut problem = |what: String| problems.push(format!("{file}: {what}"));
            if file.strip_suffix(".json") != Some(case.id.as_str()) {
                problem(format!("its id {:?} differs from its file name", case.id));
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
            if let Err(why) = case.reference(content) {
                problem(why);
            }
            if cases.iter().any(|c| c.id == case.id) {
                problem(format!("the id {} is used by another case too", case.id));
            }
            cases.push(case);
        }
        cases.sort_by(|a, b| (a.level, &a.id).cmp(&(b.level, &b.id)));
        if problems.is_empty() { Ok(Cases { cases }) } else { Err(problems) }
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

/// One point of the care plan, compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanPoint {
    pub point: String,
    pub expected: String,
    pub given: String,
    pub matches: bool,
}

/// The result of one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub case: String,
    pub score: u32,
    pub passed: bool,
    /// Flags the reference raises and the attempt does not (rule ids, most serious first).
    pub missed: Vec<String>,
    /// Flags the attempt raises and the reference does not.
    pub extra: Vec<String>,
    /// Missed flags that fail the attempt whatever the score (stop, emergency, urgent).
    pub critical_missed: Vec<String>,
    pub verdict_match: bool,
    pub expected_verdict: String,
    pub given_verdict: String,
    pub plan: Vec<PlanPoint>,
    pub hints_used: u32,
    /// One line per missed or extra flag: what it is, why it fires, what to do, its source.
    pub feedback: Vec<String>,
    pub learning_points: Vec<String>,
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

fn verdict_words(report: &Report) -> String {
    format!("{} / referral {}", report.verdict.massage, report.verdict.referral)
}

fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Json::String(s)) => s,
        Ok(Json::Null) => "none".into(),
        Ok(other) => other.to_string(),
        Err(_) => "?".into(),
    }
}

/// Grade an attempt against the case's reference result (what `screen` gives for the case's
/// reference answers), by the scoring in this module's documentation. `attempt` should be parsed
/// with the case's visit date as today (see [`Case::visit_date`]). An error only when the case's
/// own reference answers are invalid, which [`Cases::load`] rules out for loaded cases.
pub fn grade(content: &Content, case: &Case, attempt: &Answers, hints_used: u32) -> Result<Grade, String> {
    let reference = case.reference(content)?;
    let given = Report::new(content, &content.evaluate(attempt));
    let fired = |report: &Report, id: &str| report.flags.iter().any(|f| f.id == id);

    let missed: Vec<&FlagReport> = reference.flags.iter().filter(|f| !fired(&given, &f.id)).collect();
    let extra: Vec<&FlagReport> = given.flags.iter().filter(|f| !fired(&reference, &f.id)).collect();
    let mut feedback = Vec::new();
    for flag in &missed {
        let consequence = if is_critical(flag) { "a miss that fails the attempt" } else { "a miss" };
        // Unanswered is not "no": say which of the questions behind the flag were never asked.
        let not_asked: Vec<&str> = flag
            .because
            .iter()
            .filter_map(|id| content.questionnaire.id(id))
            .filter(|id| attempt.get(*id).is_none())
            .map(|id| content.questionnaire.item(id).label.as_str())
            .collect();
        let not_asked = if not_asked.is_empty() {
            String::new()
        } else {
            format!(" Not asked in your attempt: {}.", not_asked.join("; "))
        };
        feedback.push(format!(
            "MISSED {} ({}, {}): {consequence}.{}{not_asked} What to do: {} Source: {}.",
            flag.title,
            flag.id,
            badges(flag),
            why_it_fires(content, flag, "in the story it fires on"),
            flag.action,
            flag.sources.join("; ")
        ));
    }
    for flag in &extra {
        feedback.push(format!(
            "EXTRA {} ({}, {}): the reference answers do not raise it.{} Check the story again. Source: {}.",
            flag.title,
            flag.id,
            badges(flag),
            why_it_fires(content, flag, "your answers raised it through"),
            flag.sources.join("; ")
        ));
    }

    let plan_point = |point: &str, expected: String, given: String| PlanPoint {
        point: point.to_owned(),
        matches: expected == given,
        expected,
        given,
    };
    let (r, g) = (&reference.plan, &given.plan);
    let plan = vec![
        plan_point("route", code(&r.route), code(&g.route)),
        plan_point("massage type", code(&r.massage_type), code(&g.massage_type)),
        plan_point("session order", code(&r.session_order), code(&g.session_order)),
        plan_point("separate days", r.separate_days.to_string(), g.separate_days.to_string()),
        plan_point("frequency", code(&r.frequency), code(&g.frequency)),
    ];
    let verdict_match = reference.verdict == given.verdict;
    let route_matches = r.route == g.route;
    let plan_misses = plan.iter().filter(|p| !p.matches && (p.point != "frequency" || route_matches)).count();

    let cost: u32 = missed.iter().map(|f| miss_cost(f)).sum::<u32>()
        + EXTRA_FLAG.saturating_mul(extra.len() as u32)
        + if verdict_match { 0 } else { VERDICT_DIFFERS }
        + PLAN_POINT_DIFFERS * plan_misses as u32
        + HINT.saturating_mul(hints_used);
    let score = 100u32.saturating_sub(cost);
    let critical_missed: Vec<String> = missed.iter().filter(|f| is_critical(f)).map(|f| f.id.clone()).collect();
    Ok(Grade {
        case: case.id.clone(),
        score,
        passed: score >= PASS_MARK && critical_missed.is_empty(),
        missed: missed.iter().map(|f| f.id.clone()).collect(),
        extra: extra.iter().map(|f| f.id.clone()).collect(),
        critical_missed,
        verdict_match,
        expected_verdict: verdict_words(&reference),
        given_verdict: verdict_words(&given),
        plan,
        hints_used,
        feedback,
        learning_points: case.learning_points.clone(),
    })
}

/// `STOP, REFER URGENT`: the tier and referral in words.
fn badges(flag: &FlagReport) -> String {
    let tier = match flag.massage {
        Some(tier) => tier.code().to_uppercase(),
        None => "note".to_owned(),
    };
    match flag.referral {
        Some(referral) => format!("{tier}, refer {}", referral.code()),
        None => tier,
    }
}

/// ` The rule fires when <trigger>; <lead>: <item labels>.` The item labels, never their values.
fn why_it_fires(content: &Content, flag: &FlagReport, lead: &str) -> String {
    let mut out = String::new();
    if let Some(rule) = content.rulebook.index_of(&flag.id).map(|i| content.rulebook.rule(i)) {
        out.push_str(&format!(" The rule fires when {}", rule.trigger));
    }
    let labels: Vec<&str> = flag
        .because
        .iter()
        .map(|id| content.questionnaire.id(id).map_or(id.as_str(), |i| content.questionnaire.item(i).label.as_str()))
        .collect();
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
    if !grade.critical_missed.is_empty() {
        out.push_str(&format!(
            "A stop or emergency/urgent flag was missed ({}): such a miss fails the attempt whatever the score.\n",
            grade.critical_missed.join(", ")
        ));
    }
    out.push('\n');
    if grade.feedback.is_empty() {
        out.push_str("Every flag found, none extra.\n");
    }
    for line in &grade.feedback {
        out.push_str(&format!("- {line}\n"));
    }
    out.push_str(&format!(
        "\nVerdict: expected {}; yours {}{}\n",
        grade.expected_verdict,
        grade.given_verdict,
        if grade.verdict_match { " ✓" } else { " ✗" }
    ));
    for point in &grade.plan {
        let mark = if point.matches { "✓" } else { "✗" };
        out.push_str(&format!("Plan {}: expected {}; yours {} {mark}\n", point.point, point.expected, point.given));
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
pub const ATTEMPT_SCHEMA_VERSION: u32 = 1;

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
            grade,
        }
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
