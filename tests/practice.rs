//! Practice cases and grading: every case is valid and grades 100 against itself; dropping the
//! answers behind a stop or emergency/urgent flag fails; misses cost more than extras; hints count;
//! together the cases cover every stop rule and every emergency or urgent red flag.

use physio_intake::content::Content;
use physio_intake::practice::{Case, Cases, grade};
use physio_intake::rules::{Referral, Tier};
use serde_json::{Map, Value};

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn cases() -> &'static Cases {
    Cases::embedded(content()).unwrap_or_else(|problems| panic!("{problems:#?}"))
}

fn attempt(case: &Case, change: impl FnOnce(&mut Map<String, Value>)) -> physio_intake::domain::Answers {
    let mut answers = case.answers.clone();
    change(&mut answers);
    content().parse_answers(&answers, case.visit_date().unwrap()).unwrap()
}

#[test]
fn there_are_at_least_16_cases_at_every_level() {
    assert!(cases().cases.len() >= 16);
    for level in ["foundation", "intermediate", "advanced"] {
        assert!(cases().cases.iter().filter(|c| c.level.code() == level).count() >= 4, "{level}");
    }
}

#[test]
fn every_case_grades_100_and_passes_against_its_own_reference_answers() {
    for case in &cases().cases {
        let result = grade(content(), case, &case.reference_answers(content()).unwrap(), 0).unwrap();
        assert_eq!((result.score, result.passed), (100, true), "{}: {:?}", case.id, result.feedback);
        assert!(result.missed.is_empty() && result.extra.is_empty() && result.verdict_match);
    }
}

#[test]
fn every_case_fires_what_it_covers_and_not_its_near_misses() {
    for case in &cases().cases {
        let fired: Vec<String> = case.reference(content()).unwrap().flags.into_iter().map(|f| f.id).collect();
        for cover in &case.covers {
            match cover.split_once(':') {
                Some(("near-miss", rule)) => assert!(!fired.contains(&rule.to_owned()), "{}: {rule} fires", case.id),
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
        fired.extend(case.reference(content()).unwrap().flags.into_iter().map(|f| f.id));
    }
    let missing: Vec<&str> = content()
        .rulebook
        .rules()
        .iter()
        .filter(|r| r.massage == Some(Tier::Stop) || matches!(r.referral, Some(Referral::Emergency | Referral::Urgent)))
        .map(|r| r.id.as_str())
        .filter(|id| !fired.contains(*id))
        .collect();
    assert_eq!(missing, Vec::<&str>::new());
}

#[test]
fn dropping_the_answer_behind_a_stop_or_emergency_flag_fails_whatever_the_score() {
    let case = cases().get("advanced-sciatica-bladder-and-foot").unwrap();
    let result =
        grade(content(), case, &attempt(case, |a| drop(a.insert("redflag.bladder_bowel".into(), false.into()))), 0)
            .unwrap();
    assert_eq!(result.missed, vec!["cauda_equina"]);
    assert_eq!(result.critical_missed, vec!["cauda_equina"]);
    assert!(!result.passed, "score {} but a critical miss", result.score);
    assert!(result.feedback[0].contains("BMJ Best Practice"), "feedback names the source: {}", result.feedback[0]);

    let fever = cases().get("foundation-fever-came-anyway").unwrap();
    let result =
        grade(content(), fever, &attempt(fever, |a| drop(a.insert("screen.fever".into(), false.into()))), 0).unwrap();
    assert!(result.missed.contains(&"fever_acute_illness".to_owned()) && !result.passed);
}

#[test]
fn an_extra_flag_costs_less_than_a_missed_one_and_hints_cost_a_little() {
    let case = cases().get("foundation-desk-neck-tension").unwrap();
    let extra =
        grade(content(), case, &attempt(case, |a| drop(a.insert("screen.varicose_veins".into(), "mild".into()))), 0)
            .unwrap();
    assert_eq!(extra.extra, vec!["varicose_mild"]);
    let varicose = cases().get("foundation-mild-varicose-veins").unwrap();
    let missed = grade(
        content(),
        varicose,
        &attempt(varicose, |a| drop(a.insert("screen.varicose_veins".into(), "none".into()))),
        0,
    )
    .unwrap();
    assert_eq!(missed.missed, vec!["varicose_mild"]);
    assert!(extra.score > missed.score, "over-calling {} vs missing {}", extra.score, missed.score);

    let hinted = grade(content(), case, &case.reference_answers(content()).unwrap(), 2).unwrap();
    assert_eq!(hinted.hints_used, 2);
    assert!(hinted.score < 100 && hinted.passed);
}
