//! PLAN.md section 8 (v2): the coherence checks the plan must pass, as properties over many
//! generated answer sets. The generator is deterministic (a fixed-seed xorshift), so a failure
//! names a case number that reproduces; every answer set goes through answer validation first,
//! as a file would.
//!
//! The oracle is computed here from the flags, the verdict and the answers (holding flags,
//! clearance pending, complaint avoided), not read back from the plan's own reasons.

use chrono::NaiveDate;
use physio_intake::assessment::Assessment;
use physio_intake::content::Content;
use physio_intake::domain::{Item, ItemType};
use physio_intake::plan::{MassageType, Route};
use physio_intake::rules::{Referral, Tier};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};

const CASES: u32 = 10_000;
const VISIT: (i32, u32, u32) = (2026, 11, 22);

/// RULEBOOK.md, "Flags that call for shorter, lighter sessions (v2)".
const SHORTER_SESSIONS: [&str; 7] = [
    "heart_condition",
    "cardiac_recent_cleared",
    "cancer_treatment",
    "low_platelets",
    "kidney_disease",
    "autoimmune",
    "oedema_heart_kidney",
];

/// PLAN.md section 2 (v2): modify flags whose action forbids deep work on a region.
const DEEP_WORK_FORBIDDEN: [&str; 3] = ["varicose_mild", "whiplash_low_risk", "dizziness_neck_screened"];

const CLEARANCE_LINE: &str = "Massage will be booked once your doctor's clearance is on file.";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, per_thousand: u64) -> bool {
        self.below(1000) < per_thousand
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn visit() -> NaiveDate {
    NaiveDate::from_ymd_opt(VISIT.0, VISIT.1, VISIT.2).unwrap()
}

fn date_back(days: u64) -> Value {
    let date = visit() - chrono::Duration::days(days as i64);
    json!(date.format("%Y-%m-%d").to_string())
}

/// One valid answer for `item`, biased towards the values rules test (recent dates, boundaries).
fn answer(rng: &mut Rng, item: &Item, region_codes: &[String], p_true: u64) -> Value {
    match item.kind {
        ItemType::Bool => {
            let likely = item.id.starts_with("plan.")
                || item.id.starts_with("complaint.")
                || item.id == "screen.clearance_on_file";
            json!(rng.chance(if likely { 500 } else { p_true }))
        }
        ItemType::Text => json!("generated"),
        ItemType::Int => {
            let (min, max) = (item.min.unwrap_or(0), item.max.unwrap_or(100));
            json!(min + rng.below((max - min + 1) as u64) as i64)
        }
        ItemType::Date => {
            if item.id == "patient.dob" {
                date_back(365 * (18 + rng.below(75)) + rng.below(365))
            } else if rng.chance(600) {
                date_back(rng.below(90))
            } else {
                date_back(rng.below(3_000))
            }
        }
        ItemType::Choice => json!(rng.pick(&item.options).code),
        ItemType::Multi => {
            let has_none = item.option_index("none").is_some();
            if has_none && rng.chance(400) {
                return json!(["none"]);
            }
            let codes: Vec<&str> =
                item.options.iter().map(|o| o.code.as_str()).filter(|c| *c != "none" && rng.chance(p_true)).collect();
            json!(codes)
        }
        ItemType::Regions => {
            let count = 1 + rng.below(3);
            let codes: Vec<&String> = (0..count).map(|_| rng.pick(region_codes)).collect();
            json!(codes)
        }
    }
}

/// A generated answer set: a profile (how many items are answered, how likely a finding is)
/// drawn per case, so that clean screens and busy ones both occur often.
fn generate(rng: &mut Rng, content: &Content) -> Map<String, Value> {
    // Each case draws its regions from a small pool, so that the complaint and the flags' regions
    // overlap often (the avoid map over the complaint is what the plan reads).
    let all: Vec<String> = content.regions.all().map(|(_, r)| r.code.clone()).collect();
    let pool_size = 1 + rng.below(4);
    let region_codes: Vec<String> = (0..pool_size).map(|_| rng.pick(&all).clone()).collect();
    let p_answer = *rng.pick(&[150, 400, 800]);
    let p_true = *rng.pick(&[0, 0, 3, 10, 30, 100]);
    let mut map = Map::new();
    map.insert("visit.date".into(), date_back(0));
    for (_, item) in content.questionnaire.items() {
        if item.id == "visit.date" {
            continue;
        }
        // The complaint and the plan questions are what the plan reads most: answer them often.
        let p = if item.id.starts_with("complaint.") || item.id.starts_with("goals.") || item.id.starts_with("plan.") {
            700
        } else {
            p_answer
        };
        if rng.chance(p) {
            map.insert(item.id.clone(), answer(rng, item, &region_codes, p_true));
        }
    }
    map
}

#[test]
fn plan_coherence_properties_hold_over_generated_answer_sets() {
    let content = Content::embedded().unwrap_or_else(|e| panic!("{e}"));
    let rules = &content.rulebook;
    let shorter: HashSet<usize> = SHORTER_SESSIONS.iter().filter_map(|id| rules.index_of(id)).collect();
    let deep_forbidden: HashSet<usize> = DEEP_WORK_FORBIDDEN.iter().filter_map(|id| rules.index_of(id)).collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut seen: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut count = |what: &'static str| *seen.entry(what).or_default() += 1;
    for number in 0..CASES {
        let map = generate(&mut rng, content);
        let answers = content
            .parse_answers(&map, visit())
            .unwrap_or_else(|e| panic!("case {number}: the generator made invalid answers: {e:?}"));
        let assessment = content.evaluate(&answers);
        let plan = &assessment.plan;
        let verdict = assessment.verdict;
        let at = || {
            format!(
                "case {number}: route {:?}, flags {:?}, answers {}",
                plan.route,
                flag_ids(content, &assessment),
                Value::Object(map.clone())
            )
        };

        // Oracle: PLAN.md section 0.
        let holding = assessment.flags.iter().any(|f| {
            let rule = rules.rule(f.rule);
            rule.referral == Some(Referral::Routine) && matches!(rule.massage, Some(Tier::Stop | Tier::Modify))
        });
        let clearance_pending = holding && map.get("screen.clearance_on_file") != Some(&json!(true));
        let complaint: Vec<&str> = map
            .get("complaint.regions")
            .and_then(Value::as_array)
            .map_or(Vec::new(), |a| a.iter().filter_map(Value::as_str).collect());
        let avoid: Vec<&str> = assessment.avoid_regions.iter().map(|r| content.regions.code(*r)).collect();
        let complaint_avoided = !complaint.is_empty() && complaint.iter().all(|r| avoid.contains(r));
        let partly_avoided = !complaint_avoided && complaint.iter().any(|r| avoid.contains(r));
        let hands_on = matches!(plan.route, Route::Combined | Route::PhysioFirst | Route::Massage);

        // 1. No route but a referral with an emergency or urgent verdict.
        match verdict.referral {
            Some(Referral::Emergency) => assert_eq!(plan.route, Route::EmergencyReferral, "{}", at()),
            Some(Referral::Urgent) => assert_eq!(plan.route, Route::UrgentReferral, "{}", at()),
            _ => assert!(!matches!(plan.route, Route::EmergencyReferral | Route::UrgentReferral), "{}", at()),
        }
        // 2. No combined or massage route with a stop verdict or a pending clearance.
        if verdict.massage == Some(Tier::Stop) || clearance_pending {
            assert!(!matches!(plan.route, Route::Combined | Route::Massage), "{}", at());
        }
        // 3. A session order only with combined (and combined always has one); never combined
        //    with the complaint avoided.
        assert_eq!(plan.session_order.is_some(), plan.route == Route::Combined, "{}", at());
        assert_eq!(plan.session_order_reason.is_some(), plan.session_order.is_some(), "{}", at());
        if complaint_avoided {
            assert_ne!(plan.route, Route::Combined, "{}", at());
        }
        // 4. Separate days whenever a shorter-sessions flag fired on the combined route; and only
        //    ever asked on the combined route.
        let shorter_fired = assessment.flags.iter().any(|f| shorter.contains(&f.rule));
        if shorter_fired && plan.route == Route::Combined {
            assert!(plan.separate_days, "{}", at());
            assert!(plan.separate_days_reasons.iter().any(|r| r.contains("shorter, lighter sessions")), "{}", at());
        }
        if plan.route != Route::Combined {
            assert!(!plan.separate_days && plan.separate_days_reasons.is_empty(), "{}", at());
        }
        assert_eq!(plan.separate_days, !plan.separate_days_reasons.is_empty(), "{}", at());
        // 5. Therapeutic whenever a pressure-restricting flag fired (on the routes that have a
        //    massage type; referral and defer routes have none).
        let restricting = assessment.flags.iter().any(|f| rules.rule(f.rule).restricts_pressure);
        assert_eq!(plan.massage_type.is_some(), hands_on, "{}", at());
        assert_eq!(plan.massage_type_reason.is_some(), hands_on, "{}", at());
        if restricting && hands_on {
            assert_eq!(plan.massage_type, Some(MassageType::Therapeutic), "{}", at());
        }
        // 6. Every fired flag's aftercare line on hands-on routes, each once; none otherwise.
        if hands_on {
            for flag in &assessment.flags {
                if let Some(line) = &rules.rule(flag.rule).aftercare {
                    assert!(
                        plan.aftercare.contains(line),
                        "{}: lacks the aftercare of {}",
                        at(),
                        rules.rule(flag.rule).id
                    );
                }
            }
            let unique: HashSet<&String> = plan.aftercare.iter().collect();
            assert_eq!(unique.len(), plan.aftercare.len(), "{}: a line twice", at());
        } else {
            assert!(plan.aftercare.is_empty(), "{}", at());
            assert!(plan.frequency.is_none(), "{}", at());
        }
        // The clearance texts follow the pending clearance exactly.
        let clearance_line = plan.aftercare.iter().any(|l| l == CLEARANCE_LINE);
        assert_eq!(clearance_line, clearance_pending && hands_on, "{}", at());
        if plan.route == Route::PhysioFirst && clearance_pending {
            assert!(
                plan.massage_type_reason.as_deref().unwrap_or_default().starts_with("Once clearance is on file:"),
                "{}",
                at()
            );
            assert!(
                plan.frequency.as_deref().unwrap_or_default().contains("once the clearance is on file"),
                "{}",
                at()
            );
            assert!(plan.route_reason.contains("Physiotherapy may proceed within its own screening."), "{}", at());
        }
        if clearance_pending && plan.route == Route::Defer && verdict.massage != Some(Tier::Stop) {
            assert!(
                plan.route_reason
                    .starts_with("Massage waits for the medical review or written clearance asked for by: "),
                "{}",
                at()
            );
        }
        // Deep tissue never contradicts a flag that keeps deep work off a region.
        if plan.massage_type == Some(MassageType::DeepTissue)
            && assessment.flags.iter().any(|f| deep_forbidden.contains(&f.rule))
        {
            assert!(plan.massage_type_reason.as_deref().unwrap_or_default().contains("except over"), "{}", at());
        }
        if partly_avoided && plan.route == Route::Combined {
            assert!(plan.session_order_reason.as_deref().unwrap_or_default().contains(" only"), "{}", at());
        }
        if partly_avoided && plan.route == Route::Massage {
            assert!(plan.route_reason.contains("Left out of massage"), "{}", at());
        }

        count(plan.route.code());
        if clearance_pending && plan.route == Route::PhysioFirst {
            count("physio_first with clearance pending");
        }
        if clearance_pending && plan.route == Route::Defer && verdict.massage != Some(Tier::Stop) {
            count("defer with clearance pending");
        }
        if complaint_avoided && plan.route == Route::PhysioFirst {
            count("physio_first with the complaint avoided");
        }
        if shorter_fired && plan.route == Route::Combined {
            count("combined with a shorter-sessions flag");
        }
        if restricting && hands_on {
            count("hands-on with a pressure-restricting flag");
        }
        if partly_avoided && matches!(plan.route, Route::Combined | Route::Massage) {
            count("combined or massage with part of the complaint avoided");
        }
        if plan.massage_type == Some(MassageType::DeepTissue)
            && assessment.flags.iter().any(|f| deep_forbidden.contains(&f.rule))
        {
            count("deep tissue beside a flag that keeps deep work off a region");
        }
        if hands_on && assessment.flags.iter().any(|f| rules.rule(f.rule).aftercare.is_some()) {
            count("hands-on with a flag aftercare line");
        }
    }
    eprintln!("plan coherence: {CASES} answer sets, reached {seen:?}");
    // The generator must reach every case the properties speak about, or they prove little.
    let needed = [
        "emergency_referral",
        "urgent_referral",
        "defer",
        "physio_first",
        "combined",
        "massage",
        "physio_first with clearance pending",
        "defer with clearance pending",
        "physio_first with the complaint avoided",
        "combined with a shorter-sessions flag",
        "hands-on with a pressure-restricting flag",
        "combined or massage with part of the complaint avoided",
        "hands-on with a flag aftercare line",
        "deep tissue beside a flag that keeps deep work off a region",
    ];
    for what in needed {
        assert!(seen.get(what).copied().unwrap_or(0) >= 5, "the generator reached {what:?} too rarely: {seen:?}");
    }
}

fn flag_ids(content: &Content, assessment: &Assessment) -> Vec<String> {
    assessment.flags.iter().map(|f| content.rulebook.rule(f.rule).id.clone()).collect()
}

/// The plan's own lists are RULEBOOK.md's, every id present in the rulebook.
#[test]
fn the_plans_rule_lists_are_the_rulebooks() {
    let content = Content::embedded().unwrap_or_else(|e| panic!("{e}"));
    let rules = &content.rulebook;
    let ids = |indices: &[usize]| -> Vec<String> {
        let mut ids: Vec<String> = indices.iter().map(|i| rules.rule(*i).id.clone()).collect();
        ids.sort();
        ids
    };
    let expected = |list: &[&str]| -> Vec<String> {
        let mut ids: Vec<String> = list.iter().map(|id| (*id).to_owned()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(content.plan.shorter_sessions_rules()), expected(&SHORTER_SESSIONS));
    assert_eq!(ids(content.plan.deep_work_forbidden_rules()), expected(&DEEP_WORK_FORBIDDEN));
    for index in content.plan.deep_work_forbidden_rules() {
        assert_eq!(rules.rule(*index).massage, Some(Tier::Modify), "{}", rules.rule(*index).id);
    }
    let not_lifted: Vec<usize> = content.plan.not_lifted_by_clearance().collect();
    assert_eq!(ids(&not_lifted), ["dvt_current", "oedema_unexplained"]);
    let clearance = content.questionnaire.item(content.plan.clearance_item());
    assert_eq!((clearance.id.as_str(), clearance.kind), ("screen.clearance_on_file", ItemType::Bool));
}

/// Every item and rule id the plan relies on is checked when the content loads: a missing one is
/// a load error naming it, never a row that silently never fires.
#[test]
fn the_plan_fails_to_load_when_it_names_a_missing_rule_or_item() {
    let embedded = physio_intake::content::Sources::embedded();
    let plan: Value = serde_json::from_str(embedded.plan).unwrap_or_else(|e| panic!("{e}"));
    let cases: [(&str, &str, Value, &str); 6] = [
        ("shorter_sessions", "rules", json!(["heart_condition", "no_such_rule"]), "unknown rule no_such_rule"),
        ("deep_work_forbidden", "rules", json!(["whiplash_low_risk_typo"]), "unknown rule whiplash_low_risk_typo"),
        ("deep_work_forbidden", "rules", json!([]), "names no rule"),
        ("clearance", "item", json!("screen.clearance_on_fil"), "unknown item screen.clearance_on_fil"),
        ("clearance", "item", json!("pain.now"), "is not a bool item"),
        ("avoid_map", "complaint_item", json!("complaint.condition"), "is not a regions item"),
    ];
    for (table, key, value, expected) in cases {
        let mut broken = plan.clone();
        broken[table][key] = value;
        let text = broken.to_string();
        let sources = physio_intake::content::Sources { plan: &text, ..physio_intake::content::Sources::embedded() };
        let Err(error) = Content::load(&sources) else { panic!("{table}.{key}: the content loaded") };
        let message = error.to_string();
        assert!(message.contains(expected) && message.contains("plan.json"), "{table}.{key}: {message}");
    }
    let mut broken = plan.clone();
    broken["clearance"]["not_lifted"][0]["rule"] = json!("dvt_curent");
    let text = broken.to_string();
    let sources = physio_intake::content::Sources { plan: &text, ..physio_intake::content::Sources::embedded() };
    let message = Content::load(&sources).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("unknown rule dvt_curent"), "{message}");
    let mut broken = plan;
    broken["clearance"]["pending"] = json!("Massage waits for clearance.");
    let text = broken.to_string();
    let sources = physio_intake::content::Sources { plan: &text, ..physio_intake::content::Sources::embedded() };
    let message = Content::load(&sources).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("clearance.pending must contain {flags}"), "{message}");
}
