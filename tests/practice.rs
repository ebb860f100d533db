//! Practice cases, grading, saved attempts and progress. The tests find the cases they need by
//! what the cases contain, never by id, so they hold for whatever cases assets/cases/ has:
//! every case is valid and grades 100 against itself; dropping the answers behind any stop or
//! emergency/urgent flag fails the attempt; a miss costs more than an extra; hints count and are
//! saved; attempts live in practice/ only, 0600; together the cases cover every stop rule and
//! every emergency or urgent red flag.

use chrono::{DateTime, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::domain::Answers;
use physio_intake::practice::{
    ATTEMPT_FORMAT, Attempt, Case, CaseSource, Cases, Grade, Level, PASS_MARK, grade, progress, render_grade,
};
use physio_intake::report::{FlagReport, Report};
use physio_intake::rules::{Referral, Tier};
use physio_intake::store::{Store, new_id};
use serde_json::{Map, Value};
use std::os::unix::fs::PermissionsExt;

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

/// The embedded cases; or, with `PRACTICE_CASES_DIR` set, the cases in that folder (to check a
/// set of cases before it goes into assets/cases/, without a rebuild).
fn cases() -> &'static Cases {
    static FROM_DIR: std::sync::OnceLock<Result<Cases, Vec<String>>> = std::sync::OnceLock::new();
    let loaded = match std::env::var_os("PRACTICE_CASES_DIR").filter(|d| !d.is_empty()) {
        None => Cases::embedded(content()).map_err(<[String]>::to_vec),
        Some(dir) => FROM_DIR.get_or_init(|| load_dir(std::path::Path::new(&dir))).as_ref().map_err(Clone::clone),
    };
    loaded.unwrap_or_else(|problems| panic!("bad practice cases:\n{}", problems.join("\n")))
}

fn load_dir(dir: &std::path::Path) -> Result<Cases, Vec<String>> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok().filter(|n| n.ends_with(".json")).map(|n| (n, e.path())))
        .map(|(name, path)| (name, std::fs::read_to_string(path).unwrap()))
        .collect();
    files.sort();
    let sources: Vec<CaseSource> = files.iter().map(|(name, text)| source(name, text)).collect();
    Cases::load(content(), &sources)
}

fn reference(case: &Case) -> Report {
    case.reference(content()).unwrap()
}

fn is_critical(flag: &FlagReport) -> bool {
    flag.massage == Some(Tier::Stop) || matches!(flag.referral, Some(Referral::Emergency | Referral::Urgent))
}

/// The case's reference answers with the decision it expects: a complete, correct attempt.
fn answered(case: &Case) -> Map<String, Value> {
    let mut answers = case.answers.clone();
    let expected = case.expected_decision_for(&reference(case));
    answers.insert("decision.outcome".into(), expected.outcome.into());
    answers
}

/// The case's answers (with its decision) without the answers behind `flag` (and their
/// follow-up items).
fn without_flag(case: &Case, flag: &FlagReport) -> Map<String, Value> {
    let mut answers = answered(case);
    for item in flag.because.iter().filter(|i| *i != "visit.date") {
        let nested = format!("{item}.");
        answers.retain(|key, _| key != item && !key.starts_with(&nested));
    }
    answers
}

fn parse(case: &Case, answers: &Map<String, Value>) -> Answers {
    content()
        .parse_answers(answers, case.visit_date().unwrap())
        .unwrap_or_else(|e| panic!("{}: {}", case.id, e.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))
}

fn grade_of(case: &Case, answers: &Map<String, Value>, hints: u32) -> Grade {
    grade(content(), case, &parse(case, answers), hints).unwrap()
}

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, hour, 0, 0).unwrap()
}

#[test]
fn there_are_at_least_16_cases_and_some_at_every_level() {
    assert!(cases().cases.len() >= 16, "{} cases", cases().cases.len());
    for level in [Level::Foundation, Level::Intermediate, Level::Advanced] {
        assert!(cases().cases.iter().filter(|c| c.level == level).count() >= 4, "{level:?}");
    }
}

#[test]
fn every_case_grades_100_and_passes_against_its_own_reference_answers() {
    for case in &cases().cases {
        let result = grade_of(case, &answered(case), 0);
        assert_eq!((result.score, result.passed), (100, true), "{}: {:?}", case.id, result.feedback);
        assert!(result.missed.is_empty() && result.extra.is_empty() && result.verdict_match, "{}", case.id);
        assert!(result.plan.iter().all(|p| p.matches), "{}", case.id);
        assert!(result.feedback.is_empty() && result.learning_points == case.learning_points);
    }
}

#[test]
fn every_case_fires_what_it_covers_and_not_its_near_misses() {
    for case in &cases().cases {
        let fired: Vec<String> = reference(case).flags.into_iter().map(|f| f.id).collect();
        for cover in &case.covers {
            match cover.split_once(':') {
                Some(("near-miss", rule)) => {
                    assert!(content().rulebook.index_of(rule).is_some(), "{}: no rule {rule}", case.id);
                    assert!(!fired.iter().any(|f| f == rule), "{}: {rule} fires", case.id);
                }
                Some(("plan", _)) => {}
                _ => assert!(fired.contains(cover), "{}: {cover} does not fire", case.id),
            }
        }
    }
}

#[test]
fn the_cases_cover_every_stop_rule_and_every_emergency_or_urgent_red_flag() {
    let mut fired = std::collections::BTreeSet::new();
    for case in &cases().cases {
        fired.extend(reference(case).flags.into_iter().map(|f| f.id));
    }
    let missing: Vec<&str> = content()
        .rulebook
        .rules()
        .iter()
        .filter(|r| r.massage == Some(Tier::Stop) || matches!(r.referral, Some(Referral::Emergency | Referral::Urgent)))
        .map(|r| r.id.as_str())
        .filter(|id| !fired.contains(*id))
        .collect();
    assert_eq!(missing, Vec::<&str>::new(), "no case teaches these");
}

#[test]
fn dropping_the_answers_behind_any_stop_or_emergency_or_urgent_flag_fails_whatever_the_score() {
    let mut tried = 0;
    for case in &cases().cases {
        for flag in reference(case).flags.iter().filter(|f| is_critical(f)) {
            let result = grade_of(case, &without_flag(case, flag), 0);
            tried += 1;
            assert!(result.missed.contains(&flag.id), "{}: {} still fires", case.id, flag.id);
            assert!(result.critical_missed.contains(&flag.id), "{}: {}", case.id, flag.id);
            assert!(!result.passed, "{}: passed with {} missed (score {})", case.id, flag.id, result.score);
            let line = result.feedback.iter().find(|l| l.starts_with(&format!("MISSED {} (", flag.title))).unwrap();
            assert!(line.contains("fails the attempt"), "{line}");
            assert!(!line.contains(&flag.id) || flag.title.contains(&flag.id), "no rule ids: {line}");
            for source in flag.sources.iter().filter(|s| !s.to_lowercase().starts_with("seed ")) {
                assert!(line.contains(source.as_str()), "{line} lacks {source}");
            }
        }
    }
    assert!(tried > 0, "no case has a stop or emergency/urgent flag");
}

#[test]
fn a_missed_flag_costs_more_than_the_same_flag_extra_and_hints_cost_a_little() {
    // The same flag missed in one grading and extra in the other, nothing else different: the
    // reference of one is the attempt of the other.
    let (case, flag) = cases()
        .cases
        .iter()
        .flat_map(|c| reference(c).flags.into_iter().map(move |f| (c, f)))
        .find(|(case, flag)| {
            let g = grade_of(case, &without_flag(case, flag), 0);
            !is_critical(flag) && g.missed == [flag.id.clone()] && g.extra.is_empty()
        })
        .expect("a case with a flag that can be dropped alone");
    let missed = grade_of(case, &without_flag(case, &flag), 0);
    let mut reversed = case.clone();
    reversed.answers = without_flag(case, &flag);
    let extra = grade_of(&reversed, &answered(case), 0);
    assert_eq!(extra.extra, vec![flag.id.clone()]);
    assert!(extra.missed.is_empty());
    assert!(extra.score > missed.score, "{}: extra {} vs missed {}", flag.id, extra.score, missed.score);
    let extra_line = extra.feedback.iter().find(|l| l.starts_with("EXTRA ")).unwrap();
    assert!(extra_line.contains(&flag.title), "{extra_line}");

    let case = &cases().cases[0];
    let hinted = grade_of(case, &answered(case), 2);
    assert_eq!(hinted.hints_used, 2);
    assert!(hinted.score < 100 && hinted.score >= PASS_MARK && hinted.passed, "{}", hinted.score);
    assert!(grade_of(case, &answered(case), 1).score > hinted.score);
    assert_eq!(grade_of(case, &answered(case), u32::MAX).score, 0, "clamped, no overflow");
}

#[test]
fn the_grade_compares_verdict_and_plan_and_renders_for_a_student() {
    let (case, flag) = cases()
        .cases
        .iter()
        .flat_map(|c| reference(c).flags.into_iter().map(move |f| (c, f)))
        .find(|(_, flag)| is_critical(flag))
        .unwrap();
    let result = grade_of(case, &without_flag(case, &flag), 1);
    let points: Vec<&str> = result.plan.iter().map(|p| p.point.as_str()).collect();
    assert_eq!(points, ["route", "massage type", "session order", "separate days", "frequency"]);
    assert!(!result.expected_verdict.is_empty() && !result.given_verdict.is_empty());
    assert_eq!(result.verdict_match, result.expected_verdict == result.given_verdict);

    let json = serde_json::to_value(&result).unwrap();
    for key in ["case", "score", "passed", "missed", "extra", "verdict_match", "feedback", "hints_used", "plan"] {
        assert!(json.get(key).is_some(), "{key}");
    }

    let text = render_grade(case, &result);
    assert!(text.starts_with(&format!("NOT PASSED  {}/100", result.score)), "{text}");
    let missed_at = text.find(&format!("MISSED {}", flag.title)).unwrap();
    assert!(missed_at < text.find("Verdict: expected").unwrap() && text.contains("Hints used: 1"), "{text}");
    assert!(text.contains("Learning points:") && text.contains(case.learning_points[0].as_str()));
}

#[test]
fn feedback_names_items_never_the_values_given() {
    let mut checked = 0;
    for case in &cases().cases {
        for flag in reference(case).flags.iter().filter(|f| is_critical(f)) {
            let all = grade_of(case, &without_flag(case, flag), 0).feedback.join("\n");
            for item in ["patient.name", "complaint.description"] {
                if let Some(Value::String(text)) = case.answers.get(item) {
                    assert!(!all.contains(text.as_str()), "{}: {item} repeated", case.id);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0);
}

fn source<'a>(name: &'a str, text: &'a str) -> CaseSource<'a> {
    CaseSource { name, text }
}

fn load_problems(name: &str, case: Value) -> Vec<String> {
    let text = case.to_string();
    match Cases::load(content(), &[source(name, &text)]) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    }
}

fn good_case() -> Value {
    serde_json::to_value(&cases().cases[0]).unwrap()
}

#[test]
fn a_bad_case_file_is_an_error_naming_the_file_and_the_problem() {
    let good = good_case();
    let id = good["id"].as_str().unwrap().to_owned();
    assert!(load_problems(&format!("{id}.json"), good.clone()).is_empty());

    let problems = load_problems("other-name.json", good.clone());
    assert!(problems.iter().any(|p| p.starts_with("other-name.json: ") && p.contains("file name")), "{problems:?}");

    let file = format!("{id}.json");
    let mut bad = good.clone();
    bad["vignette"] = " ".into();
    bad["learning_points"] = serde_json::json!([]);
    let problems = load_problems(&file, bad);
    assert!(problems.iter().any(|p| p.starts_with(&file) && p.contains("vignette")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with(&file) && p.contains("learning points")), "{problems:?}");

    let mut bad = good.clone();
    bad["answers"]["screen.not_an_item"] = true.into();
    bad["answers"]["pain.now"] = 97.into();
    let problems = load_problems(&file, bad);
    assert!(problems.iter().any(|p| p.starts_with(&file) && p.contains("screen.not_an_item")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("pain.now")), "{problems:?}");
    assert!(!problems.join("\n").contains("97"), "answer values are not repeated: {problems:?}");

    let mut bad = good.clone();
    bad["difficulty"] = "hard".into();
    let problems = load_problems(&file, bad);
    assert!(problems.iter().any(|p| p.starts_with(&file) && p.contains("difficulty")), "{problems:?}");

    let mut bad = good.clone();
    bad["level"] = "expert".into();
    assert!(!load_problems(&file, bad).is_empty());

    let mut bad = good.clone();
    bad["answers"].as_object_mut().unwrap().remove("visit.date");
    let problems = load_problems(&file, bad);
    assert!(problems.iter().any(|p| p.starts_with(&file) && p.contains("visit.date")), "{problems:?}");

    let text = good.to_string();
    let twice = Cases::load(content(), &[source(&file, &text), source(&file, &text)]).unwrap_err();
    assert!(twice.iter().any(|p| p.contains("another case")), "{twice:?}");

    let truncated = Cases::load(content(), &[source(&file, &text[..text.len() / 2])]).unwrap_err();
    assert!(truncated[0].starts_with(&file), "{truncated:?}");
    assert!(Cases::load(content(), &[]).unwrap().cases.is_empty(), "no cases is not an error");
}

fn attempt_of(case: &Case, answers: &Map<String, Value>, hints: u32, started: u32, finished: u32) -> Attempt {
    let result = grade_of(case, answers, hints);
    Attempt::new(new_id(at(finished)).unwrap(), result, answers.clone(), at(started), at(finished))
}

#[test]
fn attempts_round_trip_in_practice_only_with_mode_0600_and_hints_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let case = &cases().cases[0];
    let first = attempt_of(case, &answered(case), 2, 9, 10);
    let second = attempt_of(case, &answered(case), 0, 10, 11);
    store.save_attempt(&second).unwrap();
    store.save_attempt(&first).unwrap();

    let found = store.attempts();
    assert_eq!(found.unreadable, 0);
    assert_eq!(found.attempts, vec![first.clone(), second.clone()], "oldest first, unchanged");
    assert_eq!((found.attempts[0].hints_used, found.attempts[0].grade.hints_used), (2, 2));

    let practice = dir.path().join("practice");
    for attempt in [&first, &second] {
        let file = practice.join(format!("{}.json", attempt.id));
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        let saved: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!((saved["format"].as_str(), saved["schema_version"].as_u64()), (Some(ATTEMPT_FORMAT), Some(2)));
        assert_eq!(saved["case"], case.id.as_str());
        assert_eq!(saved["started_at"], serde_json::to_value(attempt.started_at).unwrap());
        assert_eq!(saved["hints_used"], attempt.hints_used);
        assert_eq!(saved["grade"]["hints_used"], attempt.hints_used);
    }
    assert_eq!(std::fs::metadata(&practice).unwrap().permissions().mode() & 0o777, 0o700);
    for folder in ["records", "drafts"] {
        let files: Vec<_> = walk(&dir.path().join(folder));
        assert!(files.is_empty(), "{folder}: {files:?}");
    }

    let mut bad = first.clone();
    bad.id = "../escape".into();
    assert!(store.save_attempt(&bad).is_err());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            files.extend(walk(&entry.path()));
        } else {
            files.push(entry.path());
        }
    }
    files
}

#[test]
fn unreadable_attempt_files_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let case = &cases().cases[0];
    let good = attempt_of(case, &answered(case), 0, 9, 10);
    store.save_attempt(&good).unwrap();
    let practice = dir.path().join("practice");
    let mut too_new = serde_json::to_value(&good).unwrap();
    too_new["schema_version"] = 3.into();
    let mut other_id = serde_json::to_value(&good).unwrap();
    other_id["id"] = new_id(at(1)).unwrap().into();
    let mut files = vec![
        ("not_json", "{ not json".to_owned()),
        ("wrong_format", serde_json::json!({"format": "physio-intake/assessment", "schema_version": 1}).to_string()),
        ("too_new", too_new.to_string()),
        ("invalid", other_id.to_string()),
    ];
    let mut expected = Vec::new();
    for (problem, text) in files.drain(..) {
        let id = new_id(at(12)).unwrap();
        std::fs::write(practice.join(format!("{id}.json")), text).unwrap();
        expected.push((format!("{id}.json"), problem));
    }
    std::fs::write(practice.join("notes.json"), "ignored: not an attempt name").unwrap();
    expected.sort();

    let found = store.attempts();
    assert_eq!(found.attempts, vec![good]);
    assert_eq!(found.unreadable, 4);
    let problems: Vec<(String, &str)> = found.problems.iter().map(|p| (p.file.clone(), p.problem)).collect();
    assert_eq!(problems, expected);
}

#[test]
fn progress_gives_every_case_its_attempts_best_score_last_time_and_whether_ever_passed() {
    let all = cases();
    let (case, flag) = all
        .cases
        .iter()
        .flat_map(|c| reference(c).flags.into_iter().map(move |f| (c, f)))
        .find(|(_, flag)| is_critical(flag))
        .unwrap();
    let failed = attempt_of(case, &without_flag(case, &flag), 0, 8, 9);
    let passed = attempt_of(case, &answered(case), 3, 9, 10);
    let failed_again = attempt_of(case, &without_flag(case, &flag), 0, 10, 11);
    assert!(!failed.grade.passed && passed.grade.passed);

    let rows = progress(all, &[failed.clone(), passed.clone(), failed_again.clone()]);
    assert_eq!(rows.len(), all.cases.len());
    assert!(rows.iter().zip(&all.cases).all(|(row, case)| row.case == case.id), "in the cases' order");
    let row = rows.iter().find(|r| r.case == case.id).unwrap();
    assert_eq!(
        (row.attempts, row.best_score, row.passed, row.last_attempt),
        (3, Some(passed.grade.score), true, Some(at(11)))
    );
    assert_eq!((row.title.as_str(), row.level), (case.title.as_str(), case.level));
    let untried = rows.iter().find(|r| r.case != case.id).unwrap();
    assert_eq!((untried.attempts, untried.best_score, untried.passed, untried.last_attempt), (0, None, false, None));

    let rows = progress(all, &[failed]);
    assert!(!rows.iter().find(|r| r.case == case.id).unwrap().passed, "a failed attempt is not a pass");
    assert_eq!(progress(all, &[]).iter().map(|r| r.attempts).sum::<usize>(), 0);
}
