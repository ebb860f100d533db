//! The clinical content as one loaded, checked whole: questionnaire, regions, rulebook and plan
//! tables. Loading is pure (texts in); [`Content::embedded`] uses the copies built into the binary.

use crate::assessment::{Assessment, NprsSeverity, Scores, Verdict, referral_rank, tier_rank};
use crate::domain::answers::{AnswerError, parse_answers};
use crate::domain::dates::{Stage, age_on, days_between};
use crate::domain::{Answers, ItemId, ItemType, Questionnaire, Regions};
use crate::plan::PlanTables;
use crate::rules::language::{Condition, Facts, RawCondition, Scope};
use crate::rules::{RuleSource, Rulebook};
use chrono::NaiveDate;
use serde_json::{Map, Value as Json};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// The texts the content is made from.
pub struct Sources<'a> {
    pub questionnaire: &'a str,
    pub regions: &'a str,
    pub rulebook: &'a str,
    pub rule_files: Vec<RuleSource<'a>>,
    pub plan: &'a str,
    /// assets/follow_up.json: what a follow-up visit asks again.
    pub follow_up: &'a str,
}

impl Sources<'static> {
    /// The asset files compiled into this binary.
    pub fn embedded() -> Sources<'static> {
        const RULE_FILES: &[RuleSource<'static>] = include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));
        Sources {
            questionnaire: include_str!("../assets/questionnaire.json"),
            regions: include_str!("../assets/regions.json"),
            rulebook: include_str!("../assets/rules/rulebook.json"),
            rule_files: RULE_FILES.to_vec(),
            plan: include_str!("../assets/plan.json"),
            follow_up: include_str!("../assets/follow_up.json"),
        }
    }
}

/// Everything wrong with the content, one line per problem, each naming its file.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub problems: Vec<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the clinical content has {} problem(s):", self.problems.len())?;
        for problem in &self.problems {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

impl From<String> for LoadError {
    fn from(problem: String) -> LoadError {
        LoadError { problems: vec![problem] }
    }
}

/// Items the derived scores are computed from.
struct KeyItems {
    dob: ItemId,
    onset: ItemId,
    pain_now: ItemId,
    psfs_scores: Vec<ItemId>,
    yellow: Vec<ItemId>,
}

/// What a follow-up visit asks again from empty (assets/follow_up.json), checked at load.
#[derive(Debug, Clone)]
pub struct FollowUpPolicy {
    /// Sections asked again whole.
    pub sections: Vec<String>,
    /// Single items asked again.
    pub items: Vec<ItemId>,
}

impl FollowUpPolicy {
    fn load(text: &str, questionnaire: &Questionnaire) -> Result<FollowUpPolicy, LoadError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            #[serde(default)]
            #[allow(dead_code)]
            about: String,
            ask_again: AskAgain,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct AskAgain {
            sections: Vec<String>,
            items: Vec<String>,
        }
        let file: File = serde_json::from_str(text).map_err(|e| format!("follow_up.json: {e}"))?;
        let mut problems = Vec::new();
        for section in &file.ask_again.sections {
            if questionnaire.section(section).is_none() {
                problems.push(format!("follow_up.json: ask_again: unknown section {section}"));
            }
        }
        let mut items = Vec::new();
        for item in &file.ask_again.items {
            match questionnaire.id(item) {
                Some(id) => items.push(id),
                None => problems.push(format!("follow_up.json: ask_again: unknown item {item}")),
            }
        }
        if !problems.is_empty() {
            return Err(LoadError { problems });
        }
        Ok(FollowUpPolicy { sections: file.ask_again.sections, items })
    }

    /// Whether a follow-up asks this item again (it or its section is listed).
    pub fn asks_again(&self, questionnaire: &Questionnaire, item: ItemId) -> bool {
        self.items.contains(&item) || self.sections.iter().any(|s| *s == questionnaire.section_of(item).id)
    }
}

pub struct Content {
    pub questionnaire: Questionnaire,
    pub regions: Regions,
    pub rulebook: Rulebook,
    pub plan: PlanTables,
    pub follow_up: FollowUpPolicy,
    show_when: Vec<Option<Condition>>,
    keys: KeyItems,
}

/// The visit date of rule examples that give none.
pub const EXAMPLE_VISIT_DATE: (i32, u32, u32) = (2026, 6, 15);

impl Content {
    /// The content built into the binary, loaded and checked once per process.
    pub fn embedded() -> Result<&'static Content, &'static LoadError> {
        static CONTENT: OnceLock<Result<Content, LoadError>> = OnceLock::new();
        CONTENT.get_or_init(|| Content::load(&Sources::embedded())).as_ref()
    }

    pub fn load(sources: &Sources) -> Result<Content, LoadError> {
        let questionnaire = Questionnaire::from_json(sources.questionnaire)?;
        // Everything the program names must be there, as it expects it, before anything uses it.
        let unknown = crate::known::check(&questionnaire);
        if !unknown.is_empty() {
            return Err(LoadError { problems: unknown });
        }
        let regions = Regions::from_json(sources.regions)?;
        let rulebook = Rulebook::load(sources.rulebook, &sources.rule_files, &questionnaire, &regions)
            .map_err(|problems| LoadError { problems })?;
        let rule_index: HashMap<String, usize> =
            rulebook.rules().iter().enumerate().map(|(i, r)| (r.id.clone(), i)).collect();
        let no_rules = HashMap::new();
        let no_definitions: HashMap<String, RawCondition> = HashMap::new();
        let form_scope =
            Scope { questionnaire: &questionnaire, regions: &regions, rules: &no_rules, definitions: &no_definitions };
        let mut show_when = Vec::with_capacity(questionnaire.len());
        for (_, item) in questionnaire.items() {
            let compiled = match &item.show_when {
                None => None,
                Some(json) => {
                    let raw: RawCondition = serde_json::from_value(json.clone())
                        .map_err(|e| format!("questionnaire.json: item {}: show_when: {e}", item.id))?;
                    Some(
                        form_scope
                            .compile(&raw)
                            .map_err(|e| format!("questionnaire.json: item {}: show_when: {e}", item.id))?,
                    )
                }
            };
            show_when.push(compiled);
        }
        let plan_scope = Scope { rules: &rule_index, ..form_scope };
        let plan = PlanTables::load(sources.plan, &plan_scope)?;
        let keys = key_items(&questionnaire)?;
        let follow_up = FollowUpPolicy::load(sources.follow_up, &questionnaire)?;
        let content = Content { questionnaire, regions, rulebook, plan, follow_up, show_when, keys };
        let problems = content.check_examples();
        if problems.is_empty() { Ok(content) } else { Err(LoadError { problems }) }
    }

    /// Read and validate an answers object (see [`parse_answers`]).
    pub fn parse_answers(
        &self,
        object: &Map<String, Json>,
        default_visit: NaiveDate,
    ) -> Result<Answers, Vec<AnswerError>> {
        parse_answers(object, &self.questionnaire, &self.regions, default_visit)
    }

    /// Whether the form shows this item for these answers (its show-when holds, or it has none).
    pub fn is_shown(&self, item: ItemId, answers: &Answers) -> bool {
        match &self.show_when[item.index()] {
            None => true,
            Some(condition) => {
                let facts = Facts { answers, age: None, stage: None, fired: &[], because: &[] };
                condition.holds(&facts)
            }
        }
    }

    pub fn age(&self, answers: &Answers) -> Option<u32> {
        age_on(answers.date(self.keys.dob)?, answers.visit_date())
    }

    pub fn stage(&self, answers: &Answers) -> Option<Stage> {
        let onset = answers.date(self.keys.onset)?;
        Some(Stage::from_days(days_between(onset, answers.visit_date())))
    }

    /// Answers -> verdict, ordered flags, avoid map, scores and plan. Pure and fast: it runs on
    /// every keystroke of the form.
    pub fn evaluate(&self, answers: &Answers) -> Assessment {
        let age = self.age(answers);
        let stage = self.stage(answers);
        let mut flags = self.rulebook.evaluate(answers, &self.regions, age, stage);
        let rules = &self.rulebook;
        let verdict = Verdict {
            massage: flags.iter().filter_map(|f| rules.rule(f.rule).massage).min(),
            referral: flags.iter().filter_map(|f| rules.rule(f.rule).referral).min(),
        };
        let mut fired = vec![false; rules.rules().len()];
        for flag in &flags {
            fired[flag.rule] = true;
        }
        let facts = Facts { answers, age, stage, fired: &fired, because: &[] };
        let plan = self.plan.recommend(&facts, rules, &flags, (verdict.massage, verdict.referral));
        flags.sort_by(|a, b| {
            let (ra, rb) = (rules.rule(a.rule), rules.rule(b.rule));
            (tier_rank(ra.massage), referral_rank(ra.referral), ra.id.as_str()).cmp(&(
                tier_rank(rb.massage),
                referral_rank(rb.referral),
                rb.id.as_str(),
            ))
        });
        let mut avoid_regions: Vec<_> = flags
            .iter()
            .filter(|f| rules.rule(f.rule).massage == Some(crate::rules::Tier::Avoid))
            .flat_map(|f| f.regions.iter().copied())
            .collect();
        avoid_regions.sort_unstable();
        avoid_regions.dedup();
        let psfs: Vec<i64> = self.keys.psfs_scores.iter().filter_map(|id| answers.int(*id)).collect();
        let scores = Scores {
            nprs_severity: answers.int(self.keys.pain_now).map(NprsSeverity::from_score),
            stage,
            age,
            psfs_mean: (!psfs.is_empty())
                .then(|| (psfs.iter().sum::<i64>() as f64 / psfs.len() as f64 * 100.0).round() / 100.0),
            yellow_flag_count: self.keys.yellow.iter().filter(|id| answers.bool(**id) == Some(true)).count() as u32,
            yellow_flags_not_asked: Some(
                self.keys.yellow.iter().filter(|id| answers.bool(**id).is_none()).count() as u32
            ),
        };
        Assessment { visit_date: answers.visit_date(), flags, verdict, avoid_regions, scores, plan }
    }

    /// What stops these answers from being completed as a record (required items, consent), each
    /// in plain words naming the item. Typing is never blocked, only completion.
    pub fn completion_blockers(&self, answers: &Answers) -> Vec<String> {
        let mut blockers = Vec::new();
        for (id, item) in self.questionnaire.items().filter(|(_, item)| item.required) {
            let missing = match item.kind {
                ItemType::Bool => answers.bool(id) != Some(true),
                _ => answers.get(id).is_none(),
            };
            if missing {
                blockers.push(match item.kind {
                    ItemType::Bool => format!("{} must be yes to complete the record (item {})", item.label, item.id),
                    _ => format!("{} is needed to complete the record (item {})", item.label, item.id),
                });
            }
        }
        blockers
    }

    /// Run every rule's examples; one line per example that does not behave as it says.
    pub fn check_examples(&self) -> Vec<String> {
        let default_visit = NaiveDate::from_ymd_opt(EXAMPLE_VISIT_DATE.0, EXAMPLE_VISIT_DATE.1, EXAMPLE_VISIT_DATE.2)
            .unwrap_or(NaiveDate::MIN);
        let mut problems = Vec::new();
        for rule in self.rulebook.rules() {
            let cases = rule
                .examples
                .fires
                .iter()
                .map(|e| (e, true))
                .chain(rule.examples.near_misses.iter().map(|e| (e, false)));
            for (example, should_fire) in cases {
                let at = format!("rule {}: example \"{}\"", rule.id, example.note);
                let answers = match self.parse_answers(&example.answers, default_visit) {
                    Ok(answers) => answers,
                    Err(errors) => {
                        let listed: Vec<String> = errors.iter().map(ToString::to_string).collect();
                        problems.push(format!("{at}: invalid answers: {}", listed.join("; ")));
                        continue;
                    }
                };
                let assessment = self.evaluate(&answers);
                let flag = assessment.flags.iter().find(|f| self.rulebook.rule(f.rule).id == rule.id);
                match (flag, should_fire) {
                    (None, true) => problems.push(format!("{at}: should fire but does not")),
                    (Some(_), false) => problems.push(format!("{at}: is a near miss but fires")),
                    (Some(flag), true) => {
                        if let Some(expected) = &example.regions {
                            let got = self.regions.sorted_codes(&flag.regions);
                            if &got != expected {
                                problems.push(format!("{at}: regions are {got:?}, the example expects {expected:?}"));
                            }
                        }
                        if let Some(expected) = &example.because {
                            let got = self.item_ids_sorted(&flag.because);
                            if &got != expected {
                                problems.push(format!("{at}: because is {got:?}, the example expects {expected:?}"));
                            }
                        }
                    }
                    (None, false) => {}
                }
            }
        }
        problems
    }

    /// Item ids as strings, sorted, without duplicates: the order every output uses.
    pub fn item_ids_sorted(&self, items: &[ItemId]) -> Vec<String> {
        let mut ids: Vec<String> = items.iter().map(|i| self.questionnaire.item(*i).id.clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

fn key_items(questionnaire: &Questionnaire) -> Result<KeyItems, LoadError> {
    use crate::known::{item, section};
    let need = |id: &str| questionnaire.id(id).ok_or_else(|| format!("questionnaire.json: the item {id} is missing"));
    let yellow = questionnaire
        .section(section::YELLOW_FLAGS)
        .ok_or(format!("questionnaire.json: the section {} is missing", section::YELLOW_FLAGS))?
        .items
        .iter()
        .copied()
        .filter(|id| questionnaire.item(*id).kind == ItemType::Bool)
        .collect();
    Ok(KeyItems {
        dob: need(item::PATIENT_DOB)?,
        onset: need(item::COMPLAINT_ONSET_DATE)?,
        pain_now: need(item::PAIN_NOW)?,
        psfs_scores: item::PSFS.iter().map(|(_, score)| need(score)).collect::<Result<_, _>>()?,
        yellow,
    })
}
