//! Practice v2: what the grade judges beyond the flags (the questions asked, the decision, the
//! cause of each plan difference), fair cases (every answer that matters cites the story, titles
//! that do not name the answer, acceptable alternatives, why a near miss does not apply), and the
//! teacher's commands (`practice --check`, `--cases DIR`, `--student`, `--report DIR...`). Cases
//! are found by what they contain, never by id.

use physio_intake::content::Content;
use physio_intake::practice::{
    Attempt, Case, Cases, answers_that_matter, check_case, grade, render_grade, title_gives_away,
};
use physio_intake::report::FlagReport;
use physio_intake::rules::{Referral, Tier};
use physio_intake::store::{Store, new_id};
use serde_json::{Map, Value, json};
use std::path::Path;
use std::process::Command;

fn content() -> &'static Content {
    Content::embedded().unwrap()
}

fn cases() -> &'static Cases {
    Cases::embedded(content()).unwrap_or_else(|p| panic!("{}", p.join("\n")))
}

fn is_critical(flag: &FlagReport) -> bool {
    flag.massage == Some(Tier::Stop) || matches!(flag.referral, Some(Referral::Emergency | Referral::Urgent))
}

fn answered(case: &Case) -> Map<String, Value> {
    let mut answers = case.answers.clone();
    let expected = case.expected_decision_for(&case.reference(content()).unwrap());
    answers.insert("decision.outcome".into(), expected.outcome.into());
    answers
}

fn grade_of(case: &Case, answers: &Map<String, Value>) -> physio_intake::practice::Grade {
    let parsed = content().parse_answers(answers, case.visit_date().unwrap()).unwrap();
    grade(content(), case, &parsed, 0).unwrap()
}

fn label(item: &str) -> String {
    let q = &content().questionnaire;
    q.item(q.id(item).unwrap()).label.clone()
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_physio-intake"))
        .args(args)
        .env_remove("PHYSIO_INTAKE_DATA_DIR")
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn an_empty_attempt_fails_everywhere_with_every_unasked_screening_item_listed() {
    for case in &cases().cases {
        let result = grade_of(case, &Map::new());
        assert!(!result.passed, "{}: an empty attempt passed with {}", case.id, result.score);
        assert!(result.score < 70, "{}: {}", case.id, result.score);
        let line = result.feedback.iter().find(|l| l.starts_with("NOT ASKED")).expect("the unasked items are listed");
        let reference = case.reference_answers(content()).unwrap();
        let must = case.must_ask_items(content(), &reference);
        assert_eq!(result.not_asked.len(), must.len(), "{}", case.id);
        for id in &must {
            let item = content().questionnaire.item(*id);
            assert!(line.contains(&item.label), "{}: {} not listed: {line}", case.id, item.id);
            assert!(result.not_asked.contains(&item.id));
        }
        assert!(result.breakdown.iter().any(|l| l.what.contains("not asked")), "{}", case.id);
        assert_eq!(result.decision.as_ref().unwrap().given, "not recorded");
        let text = render_grade(case, &result);
        assert!(text.contains("Pass mark: 70") && text.contains("Score: 100") && text.contains("not asked"), "{text}");
        // An unanswered item is "not asked", never "no".
        for line in &result.feedback {
            assert!(!line.contains("answered no"), "{line}");
        }
    }
}

#[test]
fn every_answer_that_matters_cites_the_story_word_for_word() {
    let mut cited = 0;
    for case in &cases().cases {
        let reference = case.reference_answers(content()).unwrap();
        for item in answers_that_matter(content(), &reference) {
            let words = case.from_story.get(&item).unwrap_or_else(|| panic!("{}: {item} has no from_story", case.id));
            assert!(case.vignette.contains(words.as_str()), "{}: {item}: {words:?} is not in the story", case.id);
            cited += 1;
        }
        for (item, words) in &case.from_story {
            assert!(case.answers.contains_key(item) && case.vignette.contains(words.as_str()), "{}: {item}", case.id);
        }
    }
    assert!(cited > 40, "{cited}");
}

/// The check (documented at `title_gives_away`): no title holds a word of more than 4 letters
/// from the title of a flag the case covers and raises, other than plain words and the words of
/// the complaint the patient comes in with.
#[test]
fn no_title_names_the_answer() {
    for case in &cases().cases {
        let reference = case.reference(content()).unwrap();
        assert_eq!(title_gives_away(content(), case, &reference), None, "{}", case.id);
    }
    // The check bites: a title naming a covered critical flag is refused.
    let (case, flag) = cases()
        .cases
        .iter()
        .find_map(|c| {
            let reference = c.reference(content()).unwrap();
            let flag = reference.flags.into_iter().find(|f| is_critical(f) && c.covers.contains(&f.id))?;
            Some((c, flag))
        })
        .unwrap();
    let mut named = case.clone();
    named.title = format!("{} today", flag.title);
    assert!(title_gives_away(content(), &named, &case.reference(content()).unwrap()).is_some(), "{}", flag.title);
}

#[test]
fn every_near_miss_says_why_it_does_not_apply_and_feedback_shows_it_for_an_extra_flag() {
    for case in &cases().cases {
        for rule in case.covers.iter().filter_map(|c| c.strip_prefix("near-miss:")) {
            assert!(case.why_not.get(rule).is_some_and(|t| !t.trim().is_empty()), "{}: {rule}", case.id);
        }
    }
    // A case that does not raise the blood-thinner flag, with a why_not for it: an attempt that
    // raises it is told why it does not apply, instead of "check the story again".
    let case = cases()
        .cases
        .iter()
        .find(|c| c.why_not.contains_key("anticoagulant") && c.answers.get("meds.anticoagulant") == Some(&false.into()))
        .expect("a case explaining why the blood-thinner flag does not apply");
    let mut attempt = answered(case);
    attempt.insert("meds.anticoagulant".into(), true.into());
    let result = grade_of(case, &attempt);
    assert_eq!(result.extra, ["anticoagulant"]);
    let line = result.feedback.iter().find(|l| l.starts_with("EXTRA ")).unwrap();
    assert!(line.contains(case.why_not["anticoagulant"].as_str()) && !line.contains("Check the story again"), "{line}");
}

#[test]
fn an_acceptable_alternative_reading_is_graded_as_the_reference_with_it_substituted() {
    // A case whose reference answers a yes/no item yes behind a flag that is not critical; a
    // reader who answers no loses points, unless the case lists no as acceptable.
    let (case, item) = cases()
        .cases
        .iter()
        .find_map(|c| {
            let reference = c.reference(content()).unwrap();
            reference.flags.iter().filter(|f| !is_critical(f)).find_map(|f| {
                let item = f.because.iter().find(|i| c.answers.get(*i) == Some(&true.into()))?;
                let mut attempt = answered(c);
                attempt.insert(item.clone(), false.into());
                (grade_of(c, &attempt).score < 100).then(|| (c, item.clone()))
            })
        })
        .expect("a case with a non-critical flag behind one yes");
    let mut attempt = answered(case);
    attempt.insert(item.clone(), false.into());
    let strict = grade_of(case, &attempt);
    let mut lenient = case.clone();
    lenient.alternatives.insert(item.clone(), vec![false.into()]);
    assert!(check_case(content(), &lenient, &format!("{}.json", case.id)).is_empty());
    let accepted = grade_of(&lenient, &attempt);
    assert_eq!((accepted.score, accepted.passed), (100, true), "{}: {:?}", case.id, accepted.feedback);
    assert!(strict.score < accepted.score);
    // The built-in alternatives are accepted too.
    let mut tried = 0;
    for case in cases().cases.iter().filter(|c| !c.alternatives.is_empty()) {
        for (item, values) in &case.alternatives {
            for value in values {
                let mut attempt = answered(case);
                attempt.insert(item.clone(), value.clone());
                assert_eq!(grade_of(case, &attempt).score, 100, "{}: {item}", case.id);
                tried += 1;
            }
        }
    }
    assert!(tried > 0);
}

#[test]
fn the_decision_is_graded_and_one_against_a_flag_the_student_found_fails_in_plain_words() {
    let case = cases().cases.iter().find(|c| c.reference(content()).unwrap().flags.iter().any(is_critical)).unwrap();
    let mut attempt = answered(case);
    attempt.insert("decision.outcome".into(), "proceed".into());
    let result = grade_of(case, &attempt);
    let decision = result.decision.as_ref().unwrap();
    assert!(!decision.matches && decision.given == "Proceed", "{decision:?}");
    assert!(result.missed.is_empty(), "every flag found");
    assert!(!result.passed, "proceeding against a flag the student found fails: {}", result.score);
    let line = result.feedback.iter().find(|l| l.starts_with("DECISION ")).unwrap();
    assert!(line.contains("goes against a flag you found yourself"), "{line}");
    assert!(result.breakdown.iter().any(|l| l.what.starts_with("decision:") && l.points == 10));

    // Every case: its expected decision passes; a clear case proceeding is fine.
    for case in &cases().cases {
        let result = grade_of(case, &answered(case));
        assert!(result.decision.as_ref().unwrap().matches && result.passed, "{}", case.id);
    }
}

#[test]
fn each_differing_plan_point_names_the_answer_that_caused_it() {
    let mut explained = 0;
    for case in &cases().cases {
        let reference = case.reference_answers(content()).unwrap();
        for item in answers_that_matter(content(), &reference) {
            let mut attempt = answered(case);
            attempt.remove(&item);
            let result = grade_of(case, &attempt);
            for point in result.plan.iter().filter(|p| !p.matches) {
                let expected = format!("{} (not asked)", label(&item));
                assert!(point.caused_by.contains(&expected), "{}: {}: {:?}", case.id, point.point, point.caused_by);
                explained += 1;
            }
        }
    }
    assert!(explained > 0);
}

#[test]
fn feedback_speaks_plain_words_without_codes_or_seed_references() {
    for case in &cases().cases {
        for flag in case.reference(content()).unwrap().flags.iter() {
            let mut attempt = answered(case);
            for item in &flag.because {
                attempt.remove(item);
            }
            let result = grade_of(case, &attempt);
            let text = render_grade(case, &result);
            for code in ["physio_first", "deep_tissue", "emergency_referral", "urgent_referral", "massage_first"] {
                assert!(!text.contains(code), "{}: {code} in\n{text}", case.id);
            }
            assert!(!text.to_lowercase().contains("seed 0"), "{}: {text}", case.id);
            // The old form was "MISSED <title> (<rule id>, <tier>)".
            let id_shown = text.contains(&format!("({}, ", flag.id));
            assert!(!id_shown, "{}: rule id {} shown", case.id, flag.id);
        }
    }
}

/// A copy of a built-in case under a new id and title, as a teacher would write one.
fn teacher_case(id: &str) -> Value {
    let case = cases().cases.iter().find(|c| !c.from_story.is_empty()).unwrap();
    let mut value = serde_json::to_value(case).unwrap();
    value["id"] = id.into();
    value["title"] = "A teacher's case".into();
    value
}

fn write(dir: &Path, name: &str, value: &Value) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path
}

#[test]
fn practice_check_accepts_a_good_case_and_refuses_one_without_from_story_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "teacher-good.json", &teacher_case("teacher-good"));
    let (code, out, err) = run(&["practice", "--check", good.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ok: teacher-good") && out.lines().count() == 1, "{out}");

    let mut broken = teacher_case("teacher-broken");
    let cited = broken["from_story"].as_object().unwrap().keys().next().unwrap().clone();
    broken["from_story"].as_object_mut().unwrap().remove(&cited);
    let path = write(dir.path(), "teacher-broken.json", &broken);
    let (code, out, err) = run(&["practice", "--check", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("teacher-broken.json") && err.contains(&cited) && err.contains("from_story"), "{err}");
    assert!(err.contains(&label(&cited)), "the item's label, in words: {err}");

    // The test suite's loader refuses it too.
    let text = std::fs::read_to_string(&path).unwrap();
    let problems =
        Cases::load(content(), &[physio_intake::practice::CaseSource { name: "teacher-broken.json", text: &text }])
            .unwrap_err();
    assert!(problems.iter().any(|p| p.contains(&cited) && p.contains("from_story")), "{problems:?}");

    // Words that are not in the story, a cover that does not fire, a built-in id.
    let mut wrong = teacher_case("teacher-wrong");
    wrong["from_story"][&cited] = "words the story never says".into();
    wrong["covers"] = json!(["no_such_rule"]);
    let path = write(dir.path(), "teacher-wrong.json", &wrong);
    let (code, _, err) = run(&["practice", "--check", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("not found word for word") && err.contains("no_such_rule"), "{err}");
    let built_in = &cases().cases[0];
    let mut clash = serde_json::to_value(built_in).unwrap();
    clash["title"] = "Changed by a teacher".into();
    let path = write(dir.path(), &format!("{}.json", built_in.id), &clash);
    let (code, _, err) = run(&["practice", "--check", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("built-in"), "{err}");
    let (code, _, err) = run(&["practice", "--check", dir.path().join("missing.json").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.json"), "{err}");
}

#[test]
fn folder_cases_add_to_the_built_in_set_and_never_replace_one() {
    let dir = tempfile::tempdir().unwrap();
    let cases_dir = dir.path().join("class-cases");
    std::fs::create_dir(&cases_dir).unwrap();
    write(&cases_dir, "teacher-extra.json", &teacher_case("teacher-extra"));
    let (code, out, err) = run(&["practice", "--list", "--cases", cases_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), cases().cases.len() + 1);
    assert!(out.lines().any(|l| l == "teacher-extra\tA teacher's case"), "{out}");

    // The data folder's cases/ counts too, and a folder case can be graded.
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("cases")).unwrap();
    write(&data.join("cases"), "teacher-data.json", &teacher_case("teacher-data"));
    let data_arg = data.to_str().unwrap();
    let (code, out, _) = run(&["--data-dir", data_arg, "practice", "--list"]);
    assert_eq!(code, 0);
    assert!(out.contains("teacher-data\t"), "{out}");
    let case = Cases::with_folder_cases(
        content(),
        &[("teacher-data.json".into(), serde_json::to_string(&teacher_case("teacher-data")).unwrap())],
    )
    .unwrap();
    let attempt = dir.path().join("attempt.json");
    std::fs::write(&attempt, json!({ "answers": answered(case.get("teacher-data").unwrap()) }).to_string()).unwrap();
    let (code, out, err) = run(&[
        "--data-dir",
        data_arg,
        "practice",
        "--grade",
        "teacher-data",
        attempt.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["score"], 100);

    // A clash with a built-in id is an error naming the file.
    let built_in = &cases().cases[0];
    write(&cases_dir, &format!("{}.json", built_in.id), &serde_json::to_value(built_in).unwrap());
    let (code, _, err) = run(&["practice", "--list", "--cases", cases_dir.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}.json", built_in.id)) && err.contains("built-in"), "{err}");
    let (code, _, err) = run(&["practice", "--list", "--cases", dir.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("nowhere"), "{err}");
}

/// RFC 4180 fields of one line (quotes doubled inside quoted fields).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let (mut quoted, mut chars) = (false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn report_over_three_folders_gives_the_merged_class_table() {
    let dir = tempfile::tempdir().unwrap();
    let (good, critical_case, critical) = {
        let case = &cases().cases[0];
        let (critical_case, flag) = cases()
            .cases
            .iter()
            .find_map(|c| c.reference(content()).unwrap().flags.into_iter().find(is_critical).map(|f| (c, f)))
            .unwrap();
        (case, critical_case, flag)
    };
    let at = |h: u32| chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 23, h, 0, 0).unwrap();
    let save =
        |folder: &Path, case: &Case, answers: &Map<String, Value>, hints: u32, hour: u32, student: Option<&str>| {
            let store = Store::open(folder).unwrap();
            let parsed = content().parse_answers(answers, case.visit_date().unwrap()).unwrap();
            let result = grade(content(), case, &parsed, hints).unwrap();
            let attempt = Attempt::new(new_id(at(hour)).unwrap(), result, answers.clone(), at(hour), at(hour))
                .with_student(student);
            store.save_attempt(&attempt).unwrap();
            attempt.grade.score
        };
    let mut without = answered(critical_case);
    for item in &critical.because {
        without.remove(item);
    }
    let (ana, ben, old) = (dir.path().join("ana"), dir.path().join("ben"), dir.path().join("carla-laptop"));
    let ana_first = save(&ana, good, &answered(good), 1, 9, Some("Ana Lima"));
    let ana_last = save(&ana, good, &answered(good), 0, 10, Some("Ana Lima"));
    let ben_failed = save(&ben, critical_case, &without, 2, 9, Some("Ben, O'Neil"));
    // An attempt file from before attempts carried a name: readable, shown under its folder.
    let carla = save(&old, good, &Map::new(), 0, 11, None);
    let practice = old.join("practice");
    let file = std::fs::read_dir(&practice).unwrap().flatten().next().unwrap().path();
    let mut value: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert!(value.get("student").is_none());
    for key in ["breakdown", "not_asked", "decision", "pass_mark"] {
        value["grade"].as_object_mut().unwrap().remove(key);
    }
    value["schema_version"] = 1.into();
    std::fs::write(&file, value.to_string()).unwrap();

    let folders = [ana.to_str().unwrap(), ben.to_str().unwrap(), practice.to_str().unwrap()];
    let mut args = vec!["practice", "--report"];
    args.extend(folders);
    args.extend(["--format", "csv"]);
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    let header = csv_fields(lines.next().unwrap());
    assert_eq!(
        header,
        [
            "student",
            "case",
            "title",
            "attempts",
            "best_score",
            "last_score",
            "passed",
            "hints",
            "failed_criticals",
            "last_attempt"
        ]
    );
    let rows: Vec<Vec<String>> = lines.map(csv_fields).collect();
    assert_eq!(rows.len(), 3, "{out}");
    let row = |student: &str| rows.iter().find(|r| r[0] == student).unwrap_or_else(|| panic!("{student}: {out}"));
    let ana_row = row("Ana Lima");
    assert_eq!(ana_row[1], good.id);
    assert_eq!(ana_row[2], good.title);
    assert_eq!(&ana_row[3..9], ["2", &ana_first.max(ana_last).to_string(), &ana_last.to_string(), "true", "1", "0"]);
    let ben_row = row("Ben, O'Neil");
    assert_eq!(&ben_row[1..2], [critical_case.id.as_str()]);
    assert_eq!(&ben_row[3..9], ["1", &ben_failed.to_string(), &ben_failed.to_string(), "false", "2", "1"]);
    let carla_row = row("practice");
    assert_eq!(&carla_row[3..7], ["1", &carla.to_string(), &carla.to_string(), "false"]);

    let mut args = vec!["practice", "--report"];
    args.extend(folders);
    args.extend(["--format", "json"]);
    let (code, out, _) = run(&args);
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["rows"].as_array().unwrap().len(), 3);
    let mut args = vec!["practice", "--report"];
    args.extend(folders);
    args.extend(["--format", "text"]);
    let (code, out, _) = run(&args);
    assert_eq!(code, 0);
    assert!(out.starts_with("STUDENT") && out.contains("Ana Lima") && out.contains("CRITICALS"), "{out}");

    let (code, _, err) = run(&["practice", "--report", dir.path().join("absent").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("absent"), "{err}");
}
